//! The JSON path of the value a decode failed at (`list[3].subscription.mrr`), recorded by
//! the crate's own decoders as the error travels out through them.
//!
//! Each decoder notes its key or index only when a value fails, and only while
//! [`recording`] runs, so a successful decode pays nothing, and no second reading (with a
//! second copy of every decoder) is needed to find the path.

use std::borrow::Cow;
use std::cell::RefCell;

/// One step of a path: an object key or a list index.
enum Step {
    Key(Cow<'static, str>),
    Index(usize),
}

thread_local! {
    /// The steps noted so far, innermost first; `None` when nothing is recording.
    static STEPS: RefCell<Option<Vec<Step>>> = const { RefCell::new(None) };
}

/// Runs `decode`; when it fails, returns its error with the path of the value at fault (`.`
/// when the failure is at the top, or outside the crate's own types).
pub fn recording<T, E>(decode: impl FnOnce() -> Result<T, E>) -> Result<T, (E, String)> {
    /// Puts back whatever an enclosing `recording` had, even if `decode` panics.
    struct Restore(Option<Vec<Step>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            STEPS.with(|steps| *steps.borrow_mut() = outer);
        }
    }
    let outer = STEPS.with(|steps| steps.borrow_mut().replace(Vec::new()));
    let _restore = Restore(outer);
    decode().map_err(|error| {
        let steps = STEPS
            .with(|steps| steps.borrow_mut().take())
            .unwrap_or_default();
        (error, render(&steps))
    })
}

/// Notes that the value under `key` failed.
#[cold]
pub fn note_key(key: impl Into<Cow<'static, str>>) {
    note(Step::Key(key.into()));
}

/// Notes that the list entry at `index` failed.
#[cold]
pub fn note_index(index: usize) {
    note(Step::Index(index));
}

fn note(step: Step) {
    STEPS.with(|steps| {
        if let Some(steps) = steps.borrow_mut().as_mut() {
            steps.push(step);
        }
    });
}

/// The path as `a.b[2].c`, outermost first; `.` when empty.
fn render(steps: &[Step]) -> String {
    if steps.is_empty() {
        return ".".to_string();
    }
    let mut path = String::new();
    for step in steps.iter().rev() {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_render_outermost_first() {
        let result: Result<(), (&str, String)> = recording(|| {
            note_key("mrr");
            note_key("subscription");
            note_index(3);
            note_key("list");
            Err("bad")
        });
        assert_eq!(
            result.unwrap_err(),
            ("bad", "list[3].subscription.mrr".into())
        );
    }

    #[test]
    fn nothing_is_kept_outside_recording_or_after_a_success() {
        note_key("stray");
        let ok: Result<u8, ((), String)> = recording(|| {
            note_key("noted during a success");
            Ok(1)
        });
        assert_eq!(ok.unwrap(), 1);
        let failed: Result<(), ((), String)> = recording(|| Err(()));
        assert_eq!(failed.unwrap_err().1, ".");
    }

    #[test]
    fn a_nested_recording_leaves_the_outer_one_intact() {
        let result: Result<(), ((), String)> = recording(|| {
            note_key("inner_field");
            let inner: Result<(), ((), String)> = recording(|| {
                note_key("other");
                Err(())
            });
            assert_eq!(inner.unwrap_err().1, "other");
            note_key("outer");
            Err(())
        });
        assert_eq!(result.unwrap_err().1, "outer.inner_field");
    }
}
