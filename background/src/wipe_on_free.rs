//! The worker's allocator: the system allocator, but every block is wiped before it is freed.
//!
//! Wasm memory is never given back, so a freed block stays readable in a heap dump until it
//! happens to be reused. The worker handles what a person wrote (entries as they are saved,
//! edited, listed, exported, imported) and wipes what it holds on purpose (keys, drafts, answers,
//! record plaintexts: `zeroize` at each site). What no site can reach are the copies made on the
//! way: a request's entries after the vault has taken them, parsed segment documents, serde's
//! and `Vec`'s growth buffers, DEFLATE's window. The lock scan
//! (`lock_and_vanish::a_lock_leaves_no_key_…`) found such a copy of an edited entry's first
//! version after a lock, present or not depending on what later allocations overwrote.
//! Wiping at free covers them all, whatever code made them.
//!
//! `realloc` never lets the system move a block unwiped: it allocates, copies and wipes the old
//! block itself. The wipe is `zeroize`'s (volatile writes and a fence), so the compiler cannot
//! drop it as a store to memory about to be freed.

use std::alloc::{GlobalAlloc, Layout, System};
use zeroize::Zeroize;

pub struct WipeOnFree;

/// Zeroes `len` bytes at `ptr`.
///
/// # Safety
/// `ptr` must be valid for writes of `len` bytes.
unsafe fn wipe(ptr: *mut u8, len: usize) {
    if len > 0 {
        // SAFETY: the caller passes a live block of at least `len` bytes.
        unsafe { std::slice::from_raw_parts_mut(ptr, len) }.zeroize();
    }
}

// SAFETY: every method hands the layout it was given to `System`, which upholds the contract;
// the only addition is writing zeros into a block the caller still owns, before freeing it.
unsafe impl GlobalAlloc for WipeOnFree {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes until `System.dealloc`.
        unsafe {
            wipe(ptr, layout.size());
            System.dealloc(ptr, layout);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with `layout.align()` is a valid layout
        // (GlobalAlloc::realloc's contract); the old block is live until freed below.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = System.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                wipe(ptr, layout.size());
                System.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_bytes_through_growing_and_shrinking_and_the_old_block_is_wiped() {
        let allocator = WipeOnFree;
        unsafe {
            let layout = Layout::from_size_align(16, 8).unwrap();
            let block = allocator.alloc(layout);
            assert!(!block.is_null());
            for i in 0..16 {
                *block.add(i) = i as u8 + 1;
            }
            // What `wipe` leaves in a block the caller still owns.
            let scratch = allocator.alloc_zeroed(layout);
            std::ptr::copy_nonoverlapping(block, scratch, 16);
            wipe(scratch, 16);
            assert!((0..16).all(|i| *scratch.add(i) == 0), "wipe zeroes every byte");
            allocator.dealloc(scratch, layout);

            let grown = allocator.realloc(block, layout, 4096);
            assert!(!grown.is_null());
            assert!((0..16).all(|i| *grown.add(i) == i as u8 + 1), "growing keeps the bytes");
            let big = Layout::from_size_align(4096, 8).unwrap();
            let shrunk = allocator.realloc(grown, big, 8);
            assert!((0..8).all(|i| *shrunk.add(i) == i as u8 + 1), "shrinking keeps what fits");
            allocator.dealloc(shrunk, Layout::from_size_align(8, 8).unwrap());
        }
    }
}
