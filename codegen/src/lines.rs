//! Where each mapping key stands in a YAML file, so errors found after deserialising can
//! still name a line. Duplicate keys are found here too (serde would keep only one), and
//! the plain scalars YAML 1.1 parsers such as PyYAML read otherwise than this YAML 1.2 one:
//! keys ending in `?` (refused inside `{…}`) and words such as `on` (read as booleans).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Line of every key path (`["operations", "list", "returns"]`) in one file.
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<Vec<String>, usize>,
    /// Keys that appear twice in one mapping: (path, line of the second).
    pub duplicates: Vec<(Vec<String>, usize)>,
    /// Unquoted keys ending in `?` (`card?: Card`): (path, line).
    pub bare_optional_keys: Vec<(Vec<String>, usize)>,
    /// Unquoted keys and values YAML 1.1 reads as booleans and YAML 1.2 as text (`on`, `no`):
    /// (the text, line).
    pub yaml11_booleans: Vec<(String, usize)>,
}

/// Plain scalars YAML 1.1 reads as booleans, and YAML 1.2 (as this generator does) as text.
const YAML11_ONLY_BOOLEANS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

impl LineIndex {
    /// Indexes `text`; a file that does not parse yields an empty index (serde reports it).
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut builder, false);
        builder.index
    }

    /// Line of the deepest existing key along `path`, or 1 when none of it exists.
    pub fn line(&self, path: &[&str]) -> usize {
        (0..=path.len())
            .rev()
            .find_map(|n| {
                let key: Vec<String> = path[..n].iter().map(|s| s.to_string()).collect();
                self.lines.get(&key).copied()
            })
            .unwrap_or(1)
    }
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

#[derive(Default)]
struct Builder {
    index: LineIndex,
    stack: Vec<Frame>,
}

impl Builder {
    fn path(&self) -> Vec<String> {
        self.stack
            .iter()
            .filter_map(|f| match f {
                Frame::Map { key } => key.clone(),
                Frame::Seq { index } => Some(index.to_string()),
            })
            .collect()
    }

    /// A value (scalar or container) has ended inside the current frame.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key }) => *key = None,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }

    /// Whether the next scalar in the current frame is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None }))
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if let Event::Scalar(value, TScalarStyle::Plain, ..) = &event {
            if YAML11_ONLY_BOOLEANS.contains(&value.as_str()) {
                self.index
                    .yaml11_booleans
                    .push((value.clone(), mark.line()));
            }
        }
        match event {
            Event::MappingStart(..) => self.stack.push(Frame::Map { key: None }),
            Event::SequenceStart(..) => self.stack.push(Frame::Seq { index: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            Event::Scalar(value, style, ..) if self.expects_key() => {
                let mut path = self.path();
                path.push(value.clone());
                let line = mark.line();
                if style == TScalarStyle::Plain && value.ends_with('?') {
                    self.index.bare_optional_keys.push((path.clone(), line));
                }
                match self.index.lines.entry(path) {
                    Entry::Occupied(seen) => {
                        // Keys below a duplicated key repeat too; report only the outermost.
                        let path = seen.key();
                        if !self
                            .index
                            .duplicates
                            .iter()
                            .any(|(d, _)| path.starts_with(d))
                        {
                            self.index.duplicates.push((path.clone(), line));
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line);
                    }
                }
                if let Some(Frame::Map { key }) = self.stack.last_mut() {
                    *key = Some(value);
                }
            }
            Event::Scalar(..) | Event::Alias(..) => self.value_done(),
            _ => {}
        }
    }
}
