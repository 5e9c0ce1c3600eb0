//! Passes over the validated [`Api`] that give each shape one type.
//!
//! Today:
//! - an inline enum whose wire values are those of a shared enum (`spec/enums.yaml`) becomes
//!   that shared enum, wherever it is used (fields, nested objects, parameters, parameter
//!   objects, filters), and is not emitted;
//! - an inline enum whose wire values are those of an earlier inline enum of its module
//!   becomes that one, in the same way;
//! - inline enums with the same wire values in several modules become one shared enum, named
//!   by the words their names end with (`PreferredScheme`), when those are at least two words
//!   and name nothing else;
//! - parameter objects with the same fields in several modules, naming no type of a resource
//!   module, become one shared object in `objects`, named the same way (`AddressParams`);
//! - an operation whose answer (response, or page entry) has the fields of an earlier
//!   operation's answer in the same module answers with that type, under an alias;
//! - a parameter object with the fields of an earlier one in the same module is an alias of
//!   it;
//! - a sub-object with the name and fields of one in a module its module is always compiled
//!   with is that one, re-exported under its name;
//! - filter fields that accept the same operators share one operator set type, named by its
//!   operators (`IsIsNotStartsWith`).

use crate::model::{
    Api, EnumDef, Field, FilterOperator, OperatorSet, Resource, StructDef, TypeRef,
};
use crate::names::{ENUMS, OBJECTS};
use std::collections::{BTreeMap, BTreeSet};

/// Replaces every inline enum equal to a shared enum (the same set of wire values) by the
/// shared one. When several shared enums have the same values, the first by name is used.
pub fn merge_shared_enums(api: &mut Api) {
    let mut shared: BTreeMap<BTreeSet<&str>, &str> = BTreeMap::new();
    for def in &api.enums {
        shared.entry(values(def)).or_insert(def.name.as_str());
    }
    let mut renamed = Renamed::new();
    for res in &mut api.resources {
        res.enums.retain(|def| match shared.get(&values(def)) {
            Some(name) => {
                let to = (ENUMS.to_string(), name.to_string());
                renamed.insert((res.module.clone(), def.name.clone()), to);
                false
            }
            None => true,
        });
    }
    retarget_all(api, &renamed);
}

/// Replaces every inline enum with the wire values of an earlier inline enum of its module
/// (the resource's own enums come first, then those of its operations) by that earlier one.
pub fn merge_module_enums(api: &mut Api) {
    let mut renamed = Renamed::new();
    for res in &mut api.resources {
        let mut first: BTreeMap<BTreeSet<String>, String> = BTreeMap::new();
        res.enums.retain(|def| {
            let values: BTreeSet<String> = values(def).into_iter().map(str::to_string).collect();
            match first.get(&values) {
                Some(earlier) => {
                    let to = (res.module.clone(), earlier.clone());
                    renamed.insert((res.module.clone(), def.name.clone()), to);
                    false
                }
                None => {
                    first.insert(values, def.name.clone());
                    true
                }
            }
        });
    }
    retarget_all(api, &renamed);
}

/// Moves inline enums with the same wire values in two or more modules into the shared
/// enums, as one enum named as `shared_names` says (`CreateCardPreferredScheme` and
/// `UpdateCardForCustomerPreferredScheme` → `PreferredScheme`). A shared enum's name is not
/// taken again.
pub fn hoist_repeated_enums(api: &mut Api) {
    // Value set → its inline enums (module, enum), in module order.
    let mut groups: BTreeMap<BTreeSet<&str>, Group<EnumDef>> = BTreeMap::new();
    for res in &api.resources {
        for def in &res.enums {
            groups
                .entry(values(def))
                .or_default()
                .push((res.module.as_str(), def));
        }
    }
    let taken: BTreeSet<&str> = api.enums.iter().map(|e| e.name.as_str()).collect();
    let winners = shared_names(groups.into_values(), |def| &def.name, &taken);
    let renamed = moved_to(ENUMS, &winners, |def| &def.name);
    let hoisted: Vec<EnumDef> = winners
        .into_iter()
        .map(|(name, members)| EnumDef {
            name,
            doc: None,
            variants: members[0].1.variants.clone(),
        })
        .collect();
    for res in &mut api.resources {
        let module = res.module.clone();
        res.enums
            .retain(|def| !renamed.contains_key(&(module.clone(), def.name.clone())));
    }
    api.enums.extend(hoisted);
    retarget_all(api, &renamed);
}

/// Moves parameter objects with the same fields (and custom-field flag) in two or more
/// modules into the shared `objects` module, as one object named as `shared_names` says
/// (`…ShippingAddressParams`, `…BillingAddressParams` → `AddressParams`). An object that
/// names a type of its own module, or of another resource's module, stays where it is: the
/// shared module depends on no resource feature.
pub fn hoist_repeated_param_objects(api: &mut Api) {
    let same = |a: &StructDef, b: &StructDef| {
        a.custom_fields == b.custom_fields && same_fields(&a.fields, &b.fields)
    };
    // An inline object with the fields of a named one (from the spec's `objects`) is that one.
    let mut renamed = Renamed::new();
    for res in &api.resources {
        for object in res.param_objects.iter().filter(|o| portable(o)) {
            if let Some(named) = api.param_objects.iter().find(|n| same(n, object)) {
                renamed.insert(
                    (res.module.clone(), object.name.clone()),
                    (OBJECTS.to_string(), named.name.clone()),
                );
            }
        }
    }
    let mut groups: Vec<Group<StructDef>> = Vec::new();
    for res in &api.resources {
        let left = |o: &&StructDef| {
            portable(o) && !renamed.contains_key(&(res.module.clone(), o.name.clone()))
        };
        for object in res.param_objects.iter().filter(left) {
            match groups.iter_mut().find(|g| same(g[0].1, object)) {
                Some(group) => group.push((&res.module, object)),
                None => groups.push(vec![(&res.module, object)]),
            }
        }
    }
    let taken: BTreeSet<&str> = api.param_objects.iter().map(|o| o.name.as_str()).collect();
    let winners = shared_names(groups, |o| &o.name, &taken);
    renamed.extend(moved_to(OBJECTS, &winners, |o| &o.name));
    let hoisted: Vec<StructDef> = winners
        .into_iter()
        .map(|(name, members)| {
            let mut doc = String::from("A parameter object of several operations:");
            for line in members.iter().filter_map(|(_, o)| o.doc.as_deref()) {
                doc.push_str("\n- ");
                doc.push_str(line);
            }
            let first = members[0].1;
            StructDef {
                name,
                doc: Some(doc),
                fields: first.fields.clone(),
                custom_fields: first.custom_fields,
                same_as: None,
            }
        })
        .collect();
    for res in &mut api.resources {
        let module = res.module.clone();
        res.param_objects
            .retain(|o| !renamed.contains_key(&(module.clone(), o.name.clone())));
    }
    api.param_objects.extend(hoisted);
    retarget_all(api, &renamed);
}

/// Replaces a sub-object by the sub-object of the same name, doc and fields in a module its module
/// is always compiled with (one its Cargo feature enables, directly or through another): as
/// `credit_note` needs `invoice`, `credit_note::LineItemTax` becomes `invoice::LineItemTax`.
/// The replacing module is the first by name, and no feature gains a dependency. Only
/// sub-objects whose fields name no type of their own module are compared, and one that
/// replaces another is never itself replaced. The module re-exports the type under its name,
/// so `credit_note::LineItemTax` still names it. (Same fields under another name, such as a
/// billing address shaped like a shipping address, stay apart: the name would mislead.)
pub fn merge_nested_into_dependencies(api: &mut Api) {
    let direct: BTreeMap<&str, BTreeSet<String>> = api
        .resources
        .iter()
        .map(|r| {
            let mut needs = if r.is_holder() {
                BTreeSet::new()
            } else {
                r.modules_used()
            };
            needs.retain(|m| m != ENUMS && m != OBJECTS && *m != r.module);
            (r.module.as_str(), needs)
        })
        .collect();
    let needs = |module: &str| -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut next = vec![module];
        while let Some(m) = next.pop() {
            for dep in direct.get(m).into_iter().flatten() {
                if dep != module && seen.insert(dep.as_str()) {
                    next.push(dep);
                }
            }
        }
        seen
    };
    let self_contained = |s: &StructDef| {
        s.same_as.is_none()
            && s.fields
                .iter()
                .all(|f| f.ty.named().is_none_or(|r| r.module.is_some()))
    };
    let mut renamed = Renamed::new();
    for res in &api.resources {
        let providers = needs(&res.module);
        for nested in res.nested.iter().filter(|n| self_contained(n)) {
            let provider = api
                .resources
                .iter()
                .filter(|r| providers.contains(r.module.as_str()))
                .flat_map(|r| r.nested.iter().map(move |n| (r.module.as_str(), n)))
                .find(|(module, other)| {
                    other.name == nested.name
                        && other.doc == nested.doc
                        && self_contained(other)
                        && same_fields(&other.fields, &nested.fields)
                        && !renamed.contains_key(&(module.to_string(), other.name.clone()))
                });
            if let Some((module, other)) = provider {
                renamed.insert(
                    (res.module.clone(), nested.name.clone()),
                    (module.to_string(), other.name.clone()),
                );
            }
        }
    }
    for res in &mut api.resources {
        let module = res.module.clone();
        res.nested
            .retain(|n| !renamed.contains_key(&(module.clone(), n.name.clone())));
        for ((from, _), (to, name)) in &renamed {
            if *from == module {
                res.shared_nested.push(TypeRef {
                    module: Some(to.clone()),
                    name: name.clone(),
                });
            }
        }
    }
    retarget_all(api, &renamed);
}

/// Which groups of same-shaped types (each member: its module and the type) become one
/// shared type, and under which name: the longest run of words all the group's names end
/// with. A group in only one module stays; so does one whose name is a single word (`Status`
/// says too little to be shared), is in `taken`, or is also the name of another group in as
/// many modules (a group in more modules wins a name two groups end with). In name order.
fn shared_names<'a, T>(
    groups: impl IntoIterator<Item = Group<'a, T>>,
    name_of: impl Fn(&T) -> &str,
    taken: &BTreeSet<&str>,
) -> Vec<(String, Group<'a, T>)> {
    // Candidate name → (modules, members) of each group ending with it.
    let mut candidates: BTreeMap<String, Vec<(usize, Group<'a, T>)>> = BTreeMap::new();
    for members in groups {
        let modules: BTreeSet<&str> = members.iter().map(|(m, _)| *m).collect();
        if modules.len() < 2 {
            continue;
        }
        let name = common_suffix(members.iter().map(|(_, t)| name_of(t)));
        if name.chars().filter(char::is_ascii_uppercase).count() < 2
            || taken.contains(name.as_str())
        {
            continue;
        }
        candidates
            .entry(name)
            .or_default()
            .push((modules.len(), members));
    }
    candidates
        .into_iter()
        .filter_map(|(name, mut claims)| {
            claims.sort_by_key(|claim| std::cmp::Reverse(claim.0));
            let tie = claims.get(1).is_some_and(|second| second.0 == claims[0].0);
            (!tie).then(|| (name, claims.swap_remove(0).1))
        })
        .collect()
}

/// The renames that send every member of `winners` to its shared type in `module`.
fn moved_to<T>(
    module: &str,
    winners: &[(String, Group<T>)],
    name_of: impl Fn(&T) -> &str,
) -> Renamed {
    let mut renamed = Renamed::new();
    for (name, members) in winners {
        for (from, t) in members {
            let to = (module.to_string(), name.clone());
            renamed.insert((from.to_string(), name_of(t).to_string()), to);
        }
    }
    renamed
}

/// Whether a parameter object names only shared enums and shared objects, so it can live
/// outside its module.
fn portable(object: &StructDef) -> bool {
    object.same_as.is_none()
        && object.fields.iter().all(|f| {
            f.ty.named().is_none_or(
                |r| matches!(r.module.as_deref(), Some(m) if m == ENUMS || m == OBJECTS),
            )
        })
}

/// The longest run of PascalCase words every name ends with (`PreferredScheme`), or "".
fn common_suffix<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let split: Vec<Vec<&str>> = names.map(pascal_words).collect();
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    let common = (1..=shortest)
        .take_while(|&n| {
            let last = &split[0][split[0].len() - n..];
            split.iter().all(|words| &words[words.len() - n..] == last)
        })
        .last()
        .unwrap_or(0);
    split
        .first()
        .map(|words| words[words.len() - common..].concat())
        .unwrap_or_default()
}

/// The words of a PascalCase name: each starts at an uppercase letter.
fn pascal_words(name: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = name
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&name.len()]))
        .map(|(&a, &b)| &name[a..b])
        .collect()
}

/// Names the set of operators each filter field accepts, and collects the sets. A set is named
/// by its operators in their declaration order (`IsIsNotStartsWith`); when two sets would get the
/// same name (`is` + `not_in` and `is_not` + `in` are both `IsNotIn`), both are named with `Or`
/// between operators (`IsOrNotIn`, `IsNotOrIn`).
pub fn name_operator_sets(api: &mut Api) {
    let set_of = |ops: &[FilterOperator]| -> Vec<FilterOperator> {
        let mut set = ops.to_vec();
        set.sort();
        set.dedup();
        set
    };
    let joined = |set: &[FilterOperator], separator: &str| -> String {
        set.iter()
            .map(|o| crate::names::pascal(o.as_str()))
            .collect::<Vec<_>>()
            .join(separator)
    };
    let sets: BTreeSet<Vec<FilterOperator>> = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .flat_map(|op| &op.filters)
        .map(|f| set_of(&f.ops))
        .collect();
    let mut by_short_name: BTreeMap<String, usize> = BTreeMap::new();
    for set in &sets {
        *by_short_name.entry(joined(set, "")).or_default() += 1;
    }
    let names: BTreeMap<&Vec<FilterOperator>, String> = sets
        .iter()
        .map(|set| {
            let short = joined(set, "");
            let name = if by_short_name[&short] > 1 {
                joined(set, "Or")
            } else {
                short
            };
            (set, name)
        })
        .collect();
    for f in api
        .resources
        .iter_mut()
        .flat_map(|r| &mut r.operations)
        .flat_map(|op| &mut op.filters)
    {
        f.operators = names[&set_of(&f.ops)].clone();
    }
    let mut operator_sets: Vec<OperatorSet> = names
        .into_iter()
        .map(|(ops, name)| OperatorSet {
            name,
            ops: ops.clone(),
        })
        .collect();
    operator_sets.sort_by(|a, b| a.name.cmp(&b.name));
    api.operator_sets = operator_sets;
}

/// Gives every operation whose answer has the same fields as an earlier operation's answer in
/// its module (wire keys, types, whether required, docs) that operation's answer type.
pub fn merge_answers(api: &mut Api) {
    for res in &mut api.resources {
        let mut first: Vec<(&[Field], String)> = Vec::new();
        let mut merged: Vec<Option<String>> = Vec::new();
        for op in &res.operations {
            match first
                .iter()
                .find(|(fields, _)| same_fields(fields, &op.returns))
            {
                Some((_, name)) => merged.push(Some(name.clone())),
                None => {
                    first.push((&op.returns, op.answer_type()));
                    merged.push(None);
                }
            }
        }
        for (op, same) in res.operations.iter_mut().zip(merged) {
            op.same_answer_as = same;
        }
    }
}

/// Marks every parameter object with the fields (and the custom fields) of an earlier one in
/// its module as the same as that one.
pub fn merge_param_objects(api: &mut Api) {
    for res in &mut api.resources {
        let objects = &mut res.param_objects;
        for i in 1..objects.len() {
            let (earlier, rest) = objects.split_at_mut(i);
            let object = &mut rest[0];
            object.same_as = earlier
                .iter()
                .find(|e| {
                    e.same_as.is_none()
                        && e.custom_fields == object.custom_fields
                        && same_fields(&e.fields, &object.fields)
                })
                .map(|e| e.name.clone());
        }
    }
}

/// Whether two lists of fields are the same, in the same order.
fn same_fields(a: &[Field], b: &[Field]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.wire == y.wire
                && x.ident == y.ident
                && x.ty == y.ty
                && x.required == y.required
                && x.doc == y.doc
                && x.max_length == y.max_length
                && x.empty_when_absent == y.empty_when_absent
        })
}

/// The wire values of an enum, as a set.
fn values(def: &EnumDef) -> BTreeSet<&str> {
    def.variants.iter().map(|(_, wire)| wire.as_str()).collect()
}

/// Types of one shape, each with the module it is declared in.
type Group<'a, T> = Vec<(&'a str, &'a T)>;

/// Types that are no longer emitted: (module, name) → the (module, name) that replaces it.
type Renamed = BTreeMap<(String, String), (String, String)>;

/// Points every reference to a key of `renamed`, in every module, at its replacement.
fn retarget_all(api: &mut Api, renamed: &Renamed) {
    if !renamed.is_empty() {
        for res in &mut api.resources {
            retarget(res, renamed);
        }
    }
}

/// Points every reference to a key of `renamed`, from this module or another, at the type
/// that replaces it.
fn retarget(res: &mut Resource, renamed: &Renamed) {
    let here = res.module.clone();
    let fix_ref = |r: &mut TypeRef| {
        let module = r.module.clone().unwrap_or_else(|| here.clone());
        if let Some((module, name)) = renamed.get(&(module, r.name.clone())) {
            *r = TypeRef {
                module: (*module != here).then(|| module.clone()),
                name: name.clone(),
            };
        }
    };
    for r in res.refs_mut() {
        fix_ref(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ApiBase, BodyKind, Filter, FilterKind, HttpMethod, Operation, PathPart, StructDef, Type,
    };

    fn enum_def(name: &str, wires: &[&str]) -> EnumDef {
        EnumDef {
            name: name.into(),
            doc: None,
            variants: wires
                .iter()
                .map(|w| (w.to_uppercase(), w.to_string()))
                .collect(),
        }
    }

    fn field(ty: Type) -> Field {
        Field {
            wire: "f".into(),
            ident: "f".into(),
            ty,
            required: false,
            doc: None,
            max_length: None,
            empty_when_absent: false,
        }
    }

    fn local(name: &str) -> Type {
        Type::Enum(TypeRef {
            module: None,
            name: name.into(),
        })
    }

    fn operation(pascal: &str, paginated: bool, returns: Vec<Field>) -> Operation {
        Operation {
            name: pascal.to_lowercase(),
            pascal: pascal.into(),
            id: format!("widget.{}", pascal.to_lowercase()),
            method: HttpMethod::Get,
            path: vec![PathPart::Literal("/widgets".into())],
            base: ApiBase::Chargebee,
            body: BodyKind::Query,
            subdomain: None,
            idempotent: false,
            paginated,
            custom_fields: false,
            doc: String::new(),
            catalog: chargebee_description::Catalog::Both,
            destructive: false,
            examples: Vec::new(),
            params: Vec::new(),
            filters: Vec::new(),
            sort_by: Vec::new(),
            returns,
            same_answer_as: None,
        }
    }

    fn answer_field(wire: &str, required: bool) -> Field {
        Field {
            wire: wire.into(),
            ident: wire.into(),
            ty: Type::Struct(TypeRef {
                module: None,
                name: "Widget".into(),
            }),
            required,
            ..field(Type::String)
        }
    }

    /// An API of one resource, `widget`, with these parameter objects and operations.
    fn widget_api(param_objects: Vec<StructDef>, operations: Vec<Operation>) -> Api {
        Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: Vec::new(),
            resources: vec![Resource {
                name: "Widget".into(),
                module: "widget".into(),
                source: String::new(),
                doc: None,
                extra_keys: false,
                fields: Vec::new(),
                nested: Vec::new(),
                shared_nested: Vec::new(),
                enums: Vec::new(),
                param_objects,
                accessor: None,
                operations,
            }],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        }
    }

    fn string_filter(wire: &str, ops: &[&str]) -> Filter {
        Filter {
            wire: wire.into(),
            group: None,
            field: wire.into(),
            ident: wire.into(),
            kind: FilterKind::String,
            ops: ops
                .iter()
                .map(|o| FilterOperator::parse(o).unwrap())
                .collect(),
            operators: String::new(),
        }
    }

    /// A resource `module` with one required field of type `field` (so not a holder) and these
    /// sub-objects.
    fn resource(module: &str, field: Type, nested: Vec<StructDef>) -> Resource {
        Resource {
            name: crate::names::pascal(module),
            module: module.into(),
            source: String::new(),
            doc: None,
            extra_keys: false,
            fields: vec![crate::model::Field {
                wire: "f".into(),
                ident: "f".into(),
                ty: field,
                required: true,
                doc: None,
                max_length: None,
                empty_when_absent: false,
            }],
            nested,
            shared_nested: Vec::new(),
            enums: Vec::new(),
            param_objects: Vec::new(),
            accessor: None,
            operations: Vec::new(),
        }
    }

    fn sub_object(name: &str, ty: Type) -> StructDef {
        StructDef {
            same_as: None,
            name: name.into(),
            doc: None,
            fields: vec![field(ty)],
            custom_fields: false,
        }
    }

    #[test]
    fn a_sub_object_of_a_module_compiled_alongside_replaces_one_of_the_same_name_and_fields() {
        let of = |module: &str| {
            Type::Struct(TypeRef {
                module: Some(module.into()),
                name: "X".into(),
            })
        };
        let tax = || sub_object("Tax", Type::I64);
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: Vec::new(),
            resources: vec![
                // `credit_note` needs `invoice` through `quote`; `invoice` needs nothing.
                resource(
                    "credit_note",
                    of("quote"),
                    vec![tax(), sub_object("Note", Type::I64)],
                ),
                resource("invoice", Type::String, vec![tax()]),
                resource("quote", of("invoice"), Vec::new()),
                // `order` does not need `invoice`: its `Tax` stays.
                resource("order", Type::String, vec![tax()]),
                // A `Tax` naming a type of its own module is not compared.
                resource(
                    "plan",
                    of("invoice"),
                    vec![sub_object("Tax", local("Mode"))],
                ),
            ],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        merge_nested_into_dependencies(&mut api);
        let kept: Vec<(&str, Vec<&str>, Vec<String>)> = api
            .resources
            .iter()
            .map(|r| {
                let shared = r
                    .shared_nested
                    .iter()
                    .map(|t| format!("{}::{}", t.module.as_deref().unwrap_or(""), t.name))
                    .collect();
                (
                    r.module.as_str(),
                    r.nested.iter().map(|n| n.name.as_str()).collect(),
                    shared,
                )
            })
            .collect();
        assert_eq!(
            kept,
            [
                (
                    "credit_note",
                    vec!["Note"],
                    vec!["invoice::Tax".to_string()]
                ),
                ("invoice", vec!["Tax"], vec![]),
                ("quote", vec![], vec![]),
                ("order", vec!["Tax"], vec![]),
                ("plan", vec!["Tax"], vec![]),
            ]
        );
    }

    #[test]
    fn filters_with_the_same_operators_share_a_set_named_by_them() {
        let mut list = operation("List", true, Vec::new());
        list.filters = vec![
            string_filter("id", &["starts_with", "is", "is_not"]),
            string_filter("name", &["is", "is_not", "starts_with"]),
            // `is` + `not_in` and `is_not` + `in` both join to `IsNotIn`.
            string_filter("a", &["not_in", "is"]),
            string_filter("b", &["is_not", "in"]),
            string_filter("c", &["is"]),
        ];
        let mut api = widget_api(Vec::new(), vec![list]);
        name_operator_sets(&mut api);
        let names: Vec<&str> = api.resources[0].operations[0]
            .filters
            .iter()
            .map(|f| f.operators.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "IsIsNotStartsWith",
                "IsIsNotStartsWith",
                "IsOrNotIn",
                "IsNotOrIn",
                "Is"
            ]
        );
        let sets: Vec<(&str, Vec<&str>)> = api
            .operator_sets
            .iter()
            .map(|s| (s.name.as_str(), s.ops.iter().map(|o| o.as_str()).collect()))
            .collect();
        assert_eq!(
            sets,
            [
                ("Is", vec!["is"]),
                ("IsIsNotStartsWith", vec!["is", "is_not", "starts_with"]),
                ("IsNotOrIn", vec!["is_not", "in"]),
                ("IsOrNotIn", vec!["is", "not_in"]),
            ]
        );
    }

    #[test]
    fn an_answer_with_the_fields_of_an_earlier_one_takes_its_type() {
        let widget = || vec![answer_field("widget", true)];
        let mut api = widget_api(
            Vec::new(),
            vec![
                operation("Create", false, widget()),
                operation("List", true, widget()),
                operation("Archive", false, vec![answer_field("widget", false)]),
                operation("Retrieve", false, widget()),
                operation("Search", true, vec![answer_field("widget", false)]),
            ],
        );
        merge_answers(&mut api);
        let same: Vec<Option<&str>> = api.resources[0]
            .operations
            .iter()
            .map(|op| op.same_answer_as.as_deref())
            .collect();
        assert_eq!(
            same,
            [
                None,
                Some("CreateResponse"),
                None,
                Some("CreateResponse"),
                Some("ArchiveResponse"),
            ],
            "a field required in one answer and optional in another makes two types"
        );
    }

    #[test]
    fn a_parameter_object_with_the_fields_of_an_earlier_one_is_the_same() {
        let object = |name: &str, fields: Vec<Field>, custom_fields: bool| StructDef {
            name: name.into(),
            doc: None,
            fields,
            custom_fields,
            same_as: None,
        };
        let address = || vec![answer_field("city", false), answer_field("zip", true)];
        let mut api = widget_api(
            vec![
                object("CreateAddressParams", address(), false),
                object("UpdateAddressParams", address(), false),
                object("MoveAddressParams", address(), true),
                object("CopyAddressParams", address()[..1].to_vec(), false),
                object("ShipAddressParams", address(), true),
            ],
            Vec::new(),
        );
        merge_param_objects(&mut api);
        let same: Vec<Option<&str>> = api.resources[0]
            .param_objects
            .iter()
            .map(|s| s.same_as.as_deref())
            .collect();
        assert_eq!(
            same,
            [
                None,
                Some("CreateAddressParams"),
                None,
                None,
                Some("MoveAddressParams"),
            ],
            "taking custom fields, or a field fewer, makes another type"
        );
    }

    #[test]
    fn an_inline_enum_equal_to_a_shared_one_becomes_it() {
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: vec![enum_def("AutoCollection", &["on", "off"])],
            resources: vec![Resource {
                name: "Widget".into(),
                module: "widget".into(),
                source: String::new(),
                doc: None,
                extra_keys: false,
                fields: vec![field(local("WidgetCollection"))],
                nested: vec![StructDef {
                    same_as: None,
                    name: "Part".into(),
                    doc: None,
                    fields: vec![field(Type::List(Box::new(local("WidgetCollection"))))],
                    custom_fields: false,
                }],
                shared_nested: Vec::new(),
                enums: vec![
                    enum_def("WidgetCollection", &["off", "on"]),
                    enum_def("WidgetMode", &["on", "off", "auto"]),
                ],
                param_objects: Vec::new(),
                accessor: None,
                operations: Vec::new(),
            }],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        merge_shared_enums(&mut api);
        let res = &api.resources[0];
        let shared = Type::Enum(TypeRef {
            module: Some("enums".into()),
            name: "AutoCollection".into(),
        });
        assert_eq!(res.fields[0].ty, shared);
        assert_eq!(res.nested[0].fields[0].ty, Type::List(Box::new(shared)));
        let left: Vec<&str> = res.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            left,
            ["WidgetMode"],
            "a different value set stays its own enum"
        );
    }

    /// A resource `module` with one field per enum, each of that enum's type.
    fn resource_with_enums(module: &str, enums: Vec<EnumDef>) -> Resource {
        Resource {
            name: module.into(),
            module: module.into(),
            source: String::new(),
            doc: None,
            extra_keys: false,
            fields: enums.iter().map(|e| field(local(&e.name))).collect(),
            nested: Vec::new(),
            shared_nested: Vec::new(),
            enums,
            param_objects: Vec::new(),
            accessor: None,
            operations: Vec::new(),
        }
    }

    fn enum_ref(module: Option<&str>, name: &str) -> Type {
        Type::Enum(TypeRef {
            module: module.map(str::to_string),
            name: name.into(),
        })
    }

    #[test]
    fn an_inline_enum_equal_to_an_earlier_one_of_its_module_becomes_it() {
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: Vec::new(),
            resources: vec![
                resource_with_enums(
                    "widget",
                    vec![
                        enum_def("Status", &["active", "archived"]),
                        enum_def("CreateStatus", &["archived", "active"]),
                        enum_def("Mode", &["active"]),
                    ],
                ),
                resource_with_enums("gadget", Vec::new()),
            ],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        // Another module naming the merged enum follows it too.
        let from_gadget = field(enum_ref(Some("widget"), "CreateStatus"));
        api.resources[1].fields.push(from_gadget);
        merge_module_enums(&mut api);
        let widget = &api.resources[0];
        let left: Vec<&str> = widget.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(left, ["Status", "Mode"]);
        let types: Vec<&Type> = widget.fields.iter().map(|f| &f.ty).collect();
        let status = enum_ref(None, "Status");
        assert_eq!(types, [&status, &status, &enum_ref(None, "Mode")]);
        let gadget = &api.resources[1];
        assert_eq!(gadget.fields[0].ty, enum_ref(Some("widget"), "Status"));
    }

    #[test]
    fn inline_enums_repeated_across_modules_become_one_shared_enum() {
        let schemes = ["visa", "mastercard"];
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: vec![enum_def("Taken", &["x"])],
            resources: vec![
                resource_with_enums(
                    "card",
                    vec![
                        enum_def("UpdateCardForCustomerPreferredScheme", &schemes),
                        enum_def("Status", &["on", "off"]),
                        enum_def("UpdateTaken", &["y"]),
                    ],
                ),
                resource_with_enums(
                    "customer",
                    vec![
                        enum_def("CreateCardPreferredScheme", &schemes),
                        enum_def("Status", &["off", "on"]),
                        enum_def("CreateTaken", &["y"]),
                    ],
                ),
            ],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        hoist_repeated_enums(&mut api);
        let shared: Vec<&str> = api.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(shared, ["Taken", "PreferredScheme"]);
        for res in &api.resources {
            assert_eq!(res.fields[0].ty, enum_ref(Some("enums"), "PreferredScheme"));
            // One word says too little to share; a name the shared enums hold stays free.
            let left: Vec<&str> = res.enums.iter().map(|e| e.name.as_str()).collect();
            assert_eq!(left[0], "Status");
            assert!(left[1].ends_with("Taken"), "{left:?}");
        }
    }

    #[test]
    fn a_shared_name_goes_to_the_group_in_more_modules() {
        let module = |name: &str, enums| resource_with_enums(name, enums);
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: Vec::new(),
            resources: vec![
                module("a", vec![enum_def("LineReasonCode", &["x", "y"])]),
                module("b", vec![enum_def("ItemReasonCode", &["x", "y"])]),
                module("c", vec![enum_def("NoteReasonCode", &["x", "y"])]),
                module("d", vec![enum_def("RefundReasonCode", &["z"])]),
                module("e", vec![enum_def("CreditReasonCode", &["z"])]),
            ],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        hoist_repeated_enums(&mut api);
        assert_eq!(api.enums.len(), 1);
        assert_eq!(api.enums[0].name, "ReasonCode");
        assert_eq!(values(&api.enums[0]), BTreeSet::from(["x", "y"]));
        assert_eq!(api.resources[3].enums[0].name, "RefundReasonCode");
    }

    #[test]
    fn words_of_pascal_case_names() {
        assert_eq!(
            pascal_words("CreateCardPreferredScheme"),
            ["Create", "Card", "Preferred", "Scheme"]
        );
        assert_eq!(
            common_suffix(["ACardScheme", "BCardScheme"].into_iter()),
            "CardScheme"
        );
        assert_eq!(
            common_suffix(["Status", "CreateStatus"].into_iter()),
            "Status"
        );
        assert_eq!(common_suffix(["Open", "Closed"].into_iter()), "");
    }

    #[test]
    fn parameter_objects_repeated_across_modules_become_one_shared_object() {
        let object = |name: &str, ty: Type| StructDef {
            same_as: None,
            name: name.into(),
            doc: Some(format!("The `{name}` object.")),
            fields: vec![
                field(Type::String),
                Field {
                    wire: "g".into(),
                    ident: "g".into(),
                    ..field(ty)
                },
            ],
            custom_fields: false,
        };
        let shared_enum = || enum_ref(Some("enums"), "Channel");
        let local_enum = || enum_ref(None, "Mode");
        let uses = |name: &str| {
            field(Type::Struct(TypeRef {
                module: None,
                name: name.into(),
            }))
        };
        let mut card = resource_with_enums("card", Vec::new());
        card.param_objects = vec![
            object("UpdateBillingAddressParams", shared_enum()),
            object("UpdateModeParams", local_enum()),
        ];
        card.fields = vec![uses("UpdateBillingAddressParams"), uses("UpdateModeParams")];
        let mut customer = resource_with_enums("customer", Vec::new());
        customer.param_objects = vec![
            object("CreateBillingAddressParams", shared_enum()),
            object("CreateModeParams", local_enum()),
        ];
        customer.fields = vec![uses("CreateBillingAddressParams"), uses("CreateModeParams")];
        let mut api = Api {
            param_objects: Vec::new(),
            operator_sets: Vec::new(),
            enums: Vec::new(),
            resources: vec![card, customer],
            default_features: Vec::new(),
            event_contents: Vec::new(),
        };
        hoist_repeated_param_objects(&mut api);
        assert_eq!(api.param_objects.len(), 1);
        let shared = &api.param_objects[0];
        assert_eq!(shared.name, "BillingAddressParams");
        let doc = shared.doc.as_deref().unwrap_or_default();
        assert!(
            doc.contains("UpdateBillingAddressParams")
                && doc.contains("CreateBillingAddressParams"),
            "{doc}"
        );
        let to_shared = Type::Struct(TypeRef {
            module: Some("objects".into()),
            name: "BillingAddressParams".into(),
        });
        for res in &api.resources {
            assert_eq!(res.fields[0].ty, to_shared);
            // Naming its own module's enum, an object cannot leave its module.
            let left: Vec<&str> = res.param_objects.iter().map(|o| o.name.as_str()).collect();
            assert_eq!(left.len(), 1);
            assert!(left[0].ends_with("ModeParams"));
        }
    }
}
