//! Timing and memory measurement.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// Median time of one call of `f`, from `batches` batches of `per_batch` calls after a warm-up.
pub fn median_time<T>(batches: usize, per_batch: usize, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..per_batch {
        black_box(f());
    }
    let mut samples: Vec<Duration> = (0..batches)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                black_box(f());
            }
            start.elapsed() / per_batch as u32
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Median times of one call of `f` and of `g`, their batches interleaved so that drift in
/// the machine's speed affects both alike.
pub fn compare<A, B>(
    batches: usize,
    per_batch: usize,
    mut f: impl FnMut() -> A,
    mut g: impl FnMut() -> B,
) -> (Duration, Duration) {
    let time = |h: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..per_batch {
            h();
        }
        start.elapsed() / per_batch as u32
    };
    let (mut fs, mut gs) = (Vec::new(), Vec::new());
    for i in 0..=batches {
        let a = time(&mut || {
            black_box(f());
        });
        let b = time(&mut || {
            black_box(g());
        });
        if i > 0 {
            fs.push(a);
            gs.push(b);
        }
    }
    fs.sort();
    gs.sort();
    (fs[fs.len() / 2], gs[gs.len() / 2])
}

/// The system allocator, counting live and peak heap bytes while a [`HeapWatch`] is alive
/// (counting is off otherwise, so timings elsewhere pay nothing for it).
pub struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let size = layout.size() as isize;
            let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }
}

/// Counts heap growth from its creation: the peak of bytes allocated and not yet freed.
pub struct HeapWatch;

impl HeapWatch {
    /// Starts counting from zero.
    pub fn start() -> HeapWatch {
        LIVE.store(0, Ordering::Relaxed);
        PEAK.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        HeapWatch
    }

    /// The growth now, in bytes: what is allocated since the start and not yet freed.
    pub fn live(&self) -> usize {
        LIVE.load(Ordering::Relaxed).max(0) as usize
    }

    /// The peak growth so far, in bytes.
    pub fn peak(&self) -> usize {
        PEAK.load(Ordering::Relaxed).max(0) as usize
    }
}

impl Drop for HeapWatch {
    fn drop(&mut self) {
        COUNTING.store(false, Ordering::Relaxed);
    }
}
