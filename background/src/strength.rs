//! Argon2id strength: measure this device, propose parameters for a chosen unlock time.
//!
//! The measurement runs in the throwaway KDF instance (`kdf.rs`), like every unlock, so the
//! worker's own memory never holds Argon2's 64 MiB. The proposal only ever adds passes: memory
//! stays at the default 64 MiB (or more, if the vault already uses more), since a browser tab
//! cannot count on much more, and passes scale the time linearly.

use crate::kdf;
use sotto_glue::protocol::{ErrorCode, Response};
use sotto_glue::storage::ChromeStore;
use sotto_vault::{KdfParams, UnlockedVault};

/// The most memory a proposal or a requested setting may use (the throwaway instance must be
/// able to allocate it in any browser tab's process).
const MAX_MEMORY_KIB: u32 = 256 * 1024;

/// Unlock time on this device: a fixed part (instantiating the KDF module, filling memory,
/// unwrapping) plus a part per pass over memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    fixed_ms: f64,
    per_pass_ms: f64,
}

impl Cost {
    /// From the time of one pass and of three passes over the same memory. On a noisy machine
    /// the difference can come out too small (or negative), which would promise far more passes
    /// than the target allows: at least half of a three-pass run is counted as passes.
    pub fn from_samples(one_pass_ms: f64, three_passes_ms: f64) -> Cost {
        let per_pass_ms = ((three_passes_ms - one_pass_ms) / 2.0).max(three_passes_ms / 6.0).max(1.0);
        let fixed_ms = (three_passes_ms - 3.0 * per_pass_ms).max(0.0);
        Cost { fixed_ms, per_pass_ms }
    }

    /// Estimated time of one derivation with `t_cost` passes.
    pub fn estimate_ms(&self, t_cost: u32) -> u32 {
        (self.fixed_ms + f64::from(t_cost) * self.per_pass_ms).round() as u32
    }

    /// The pass count whose estimate is closest to `target_ms`, never below the default's.
    pub fn passes_for(&self, target_ms: u32) -> u32 {
        let passes = ((f64::from(target_ms) - self.fixed_ms) / self.per_pass_ms).round();
        (passes.max(0.0) as u32).clamp(KdfParams::DEFAULT.t_cost, KdfParams::MAX_T_COST)
    }
}

/// The memory a proposal uses: the vault's own, never below the default, never above the cap.
pub fn memory_for(current: KdfParams) -> u32 {
    current.m_cost_kib.clamp(KdfParams::DEFAULT.m_cost_kib, MAX_MEMORY_KIB)
}

pub fn propose(current: KdfParams, cost: Cost, target_ms: u32) -> KdfParams {
    KdfParams { m_cost_kib: memory_for(current), t_cost: cost.passes_for(target_ms), p_cost: 1 }
}

/// Whether a page may set `params`: never weaker than the default, within what the throwaway
/// instance can run (Wasm runs one lane, so more lanes would only cost time).
#[allow(clippy::result_large_err, reason = "the error is the very answer the worker sends")]
pub fn check(params: KdfParams) -> Result<(), Response> {
    let KdfParams { m_cost_kib: m, t_cost: t, p_cost: p } = params;
    if !(KdfParams::DEFAULT.m_cost_kib..=MAX_MEMORY_KIB).contains(&m) || !(KdfParams::DEFAULT.t_cost..=KdfParams::MAX_T_COST).contains(&t) || p != 1 {
        let passes = KdfParams::MAX_T_COST.to_string();
        return Err(crate::errors::said(
            ErrorCode::Invalid,
            "error_strength_refused",
            vec![passes.clone()],
            format!("These strength settings are outside what Sotto allows (memory 64–256 MiB, 3–{passes} passes, one lane); measure again."),
        ));
    }
    Ok(())
}

/// The shorter of two runs: the machine's noise only ever adds time.
async fn best_of_two(params: KdfParams) -> Result<f64, String> {
    let first = kdf::time_derivation(&params).await?;
    let second = kdf::time_derivation(&params).await?;
    Ok(first.min(second))
}

/// Answers `MeasureKdf`: four derivations in the throwaway instance (one and three passes,
/// twice each), then the proposal for `target_ms`.
pub async fn measure(vault: &UnlockedVault<ChromeStore>, target_ms: u32) -> Response {
    let current = vault.kdf_params();
    let m_cost_kib = memory_for(current);
    let samples = async {
        let one = best_of_two(KdfParams { m_cost_kib, t_cost: 1, p_cost: 1 }).await?;
        let three = best_of_two(KdfParams { m_cost_kib, t_cost: 3, p_cost: 1 }).await?;
        let cost = Cost::from_samples(one, three);
        // A vault made elsewhere with other memory or lanes is timed as it is.
        let current_ms = if current.m_cost_kib == m_cost_kib && current.p_cost == 1 {
            cost.estimate_ms(current.t_cost)
        } else {
            kdf::time_derivation(&current).await?.round() as u32
        };
        Ok::<_, String>((cost, current_ms))
    };
    match samples.await {
        Ok((cost, current_ms)) => {
            let proposed = propose(current, cost, target_ms);
            Response::KdfMeasured { current, current_ms, proposed, proposed_ms: cost.estimate_ms(proposed.t_cost) }
        }
        Err(why) => crate::errors::said(
            ErrorCode::Internal,
            "error_measure_failed",
            vec![why.to_string()],
            format!("This device could not be measured: {why}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_grow_with_the_target_and_never_drop_below_the_default() {
        // 60 ms a pass, 20 ms fixed: 80 ms and 200 ms measured.
        let cost = Cost::from_samples(80.0, 200.0);
        assert_eq!(cost, Cost { fixed_ms: 20.0, per_pass_ms: 60.0 });
        assert_eq!(cost.estimate_ms(3), 200);
        assert_eq!(cost.passes_for(1000), 16);
        assert_eq!(cost.estimate_ms(16), 980);
        assert_eq!(cost.passes_for(50), 3, "a target below today's time keeps the default");
        assert_eq!(cost.passes_for(100_000), KdfParams::MAX_T_COST);
        let proposed = propose(KdfParams::DEFAULT, cost, 2000);
        assert_eq!(proposed, KdfParams { m_cost_kib: 64 * 1024, t_cost: 33, p_cost: 1 });
        assert_eq!(check(proposed), Ok(()));
    }

    #[test]
    fn noisy_samples_never_promise_absurd_pass_counts() {
        // Three passes measured faster than one: at least half of the three-pass time is passes.
        let cost = Cost::from_samples(210.0, 200.0);
        assert!((cost.per_pass_ms - 200.0 / 6.0).abs() < 1e-9);
        assert_eq!(cost.fixed_ms, 100.0);
        assert_eq!(cost.passes_for(1000), 27);
        let zero = Cost::from_samples(0.0, 0.0);
        assert_eq!(zero.per_pass_ms, 1.0);
        assert_eq!(zero.passes_for(1000), KdfParams::MAX_T_COST);
    }

    #[test]
    fn memory_is_never_below_the_default_and_pages_cannot_weaken_it() {
        let small = KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 };
        assert_eq!(memory_for(small), KdfParams::DEFAULT.m_cost_kib);
        assert_eq!(memory_for(KdfParams { m_cost_kib: 128 * 1024, ..small }), 128 * 1024);
        assert_eq!(memory_for(KdfParams { m_cost_kib: 1024 * 1024, ..small }), MAX_MEMORY_KIB);
        assert_eq!(check(KdfParams::DEFAULT), Ok(()));
        for weak_or_odd in [
            small,
            KdfParams { t_cost: 2, ..KdfParams::DEFAULT },
            KdfParams { t_cost: 65, ..KdfParams::DEFAULT },
            KdfParams { p_cost: 2, ..KdfParams::DEFAULT },
            KdfParams { m_cost_kib: MAX_MEMORY_KIB + 1, ..KdfParams::DEFAULT },
        ] {
            assert!(check(weak_or_odd).is_err(), "{weak_or_odd:?}");
        }
    }
}
