//! The spec covers the whole API as the reference describes it (`reference/`).

use std::path::Path;

#[test]
fn spec_covers_every_operation_resource_field_and_enum_value() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference = root.join("reference/chargebee-api.json");
    let report = chargebee_codegen::coverage(&root.join("spec"), &reference)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{report}");
    assert_eq!(
        (report.operations.covered, report.operations.total),
        (471, 471)
    );
    assert_eq!(
        (report.resources.covered, report.resources.total),
        (123, 123)
    );
    assert!(report.complete(), "{report}");
}
