//! Finding operations by plain words: each word of the query scores the operations whose
//! name, doc or path contain it. Product Catalog 1.0 only operations (plans, addons) rank
//! below the others unless the query names plans or addons, as most sites run 2.0; a
//! `catalog` narrows the search to one version's operations.

use chargebee_description::{Api, Catalog, Operation};

/// Words that say nothing about an operation.
const STOP_WORDS: [&str; 14] = [
    "a", "an", "the", "for", "of", "to", "with", "by", "in", "on", "and", "or", "my", "from",
];

/// What an operation gains when the query names its resource.
const RESOURCE_NAMED: u32 = 2;

/// What a query's 1.0 only operations lose when it names neither plans nor addons.
const OTHER_CATALOG: u32 = 2;

/// The operations matching `query` (of `catalog` and those of both, when given), best
/// first, at most `limit`.
pub fn search<'a>(
    api: &'a Api,
    query: &str,
    catalog: Option<Catalog>,
    limit: usize,
) -> Vec<&'a Operation> {
    let words: Vec<String> = words(query)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    let names_catalog_1 = words.iter().any(|w| w == "plan" || w == "addon");
    let mut scored: Vec<(u32, &Operation)> = api
        .operations
        .iter()
        .filter(|op| catalog.is_none_or(|c| op.catalog == c || op.catalog == Catalog::Both))
        .map(|op| {
            let mut score = score(op, &words);
            if op.catalog == Catalog::V1 && !names_catalog_1 && score > 0 {
                score = score.saturating_sub(OTHER_CATALOG).max(1);
            }
            (score, op)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
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
/// its path 1; each query word counts once, at its best; and the query naming the
/// operation's resource (the object it acts on) counts 2 more.
fn score(op: &Operation, query: &[String]) -> u32 {
    let resource: Vec<String> = words(&op.resource).collect();
    let names_resource = resource.iter().all(|w| query.contains(w));
    let bonus = if names_resource { RESOURCE_NAMED } else { 0 };
    let name: Vec<String> = words(&op.id).collect();
    let doc: Vec<String> = words(&op.doc).collect();
    let path: Vec<String> = words(&op.path).collect();
    query
        .iter()
        .map(|word| {
            if name.contains(word) {
                3
            } else if doc.contains(word) {
                2
            } else if path.contains(word) {
                1
            } else {
                0
            }
        })
        .sum::<u32>()
        + bonus
}
