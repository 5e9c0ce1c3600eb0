//! Finding operations by plain words: each word of the query scores the operations whose
//! name, doc or path contain it. Product Catalog 1.0 only operations (plans, addons) rank
//! below the others unless the query names addons, as most sites run 2.0; among equals, the
//! one with the shorter name comes first. A `catalog` narrows the search to one version's
//! operations.

use chargebee_description::{Api, Catalog, Operation};

/// Words that say nothing about an operation.
const STOP_WORDS: [&str; 14] = [
    "a", "an", "the", "for", "of", "to", "with", "by", "in", "on", "and", "or", "my", "from",
];

/// What a query's 1.0 only operations lose when it does not name addons.
const OTHER_CATALOG: u32 = 2;

/// The operations matching `query` (of `catalog` and those of both, when given), best
/// first, at most `limit`.
pub fn search<'a>(
    api: &'a Api,
    query: &str,
    catalog: Option<Catalog>,
    limit: usize,
) -> Vec<&'a Operation> {
    let query: Vec<String> = words(query)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    // Plans exist in both catalogs (2.0's are items of type plan); addons name 1.0's.
    let names_catalog_1 = query.iter().any(|w| w == "addon");
    let mut scored: Vec<(u32, &Operation)> = api
        .operations
        .iter()
        .filter(|op| catalog.is_none_or(|c| op.catalog == c || op.catalog == Catalog::Both))
        .map(|op| {
            let mut score = score(op, &query);
            if op.catalog == Catalog::V1 && !names_catalog_1 && score > 0 {
                score = score.saturating_sub(OTHER_CATALOG).max(1);
            }
            (score, op)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    // Among equals, the plainer operation first: fewer words in its name.
    let length = |op: &Operation| words(&op.id).count();
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then(length(x).cmp(&length(y)))
            .then((x.catalog == Catalog::V1).cmp(&(y.catalog == Catalog::V1)))
            .then(x.id.cmp(&y.id))
    });
    scored.into_iter().take(limit).map(|(_, op)| op).collect()
}

/// The lowercase words of `text`, each without a plural `s`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_ascii_lowercase()))
}

/// `word` without a plural ending: `invoices` → `invoice`, `entries` → `entry`.
fn stem(word: &str) -> String {
    if let Some(base) = word.strip_suffix("ies") {
        format!("{base}y")
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// How well `op` matches `query`: a word of its resource or name counts 3, of its doc 2, of
/// its path 1; each query word counts once, at its best, and matches a word it shares its
/// first five letters with (`subscribe`, `subscription`).
fn score(op: &Operation, query: &[String]) -> u32 {
    let name: Vec<String> = words(&op.id).collect();
    let doc: Vec<String> = words(&op.doc).collect();
    let path: Vec<String> = words(&op.path).collect();
    let found = |word: &String, among: &[String]| among.iter().any(|w| alike(w, word));
    query
        .iter()
        .map(|word| {
            if found(word, &name) {
                3
            } else if found(word, &doc) {
                2
            } else if found(word, &path) {
                1
            } else {
                0
            }
        })
        .sum()
}

/// Whether two words are the same, or share their first five letters.
fn alike(a: &str, b: &str) -> bool {
    const PREFIX: usize = 5;
    a == b
        || (a.len() >= PREFIX
            && b.len() >= PREFIX
            && a.as_bytes()[..PREFIX] == b.as_bytes()[..PREFIX])
}
