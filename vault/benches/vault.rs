//! Criterion benchmarks: unlock (Argon2id at the default parameters + unwrap), save with 10 vs
//! 100,000 entries, and export / import of 100,000 entries. Native only.
//!
//! `CARGO_TARGET_DIR=… cargo bench -p sotto-vault` (sample sizes are kept small on purpose).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sotto_vault::{Entry, EntryId, KdfParams, MemoryStore, Passphrase, UnlockedVault, Vault};

const FAST: KdfParams = KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 };
const DAY_MS: i64 = 86_400_000;
const START_MS: i64 = 1_600_000_000_000;

fn entry(n: u64, spacing_ms: i64) -> Entry {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id[8] = 0xbe;
    let mut e = Entry::new(EntryId::from_bytes(id), START_MS + n as i64 * spacing_ms, 60, (n % 11) as u8);
    e.note = "Ached after the commute; better after a walk and some heat.".to_string();
    e.mood = Some((n % 7) as u8);
    e
}

/// A vault with `n` entries, about 5 a day (so 100,000 entries span ~55 years of weeks).
fn vault_with(store: &MemoryStore, n: u64) -> UnlockedVault<&MemoryStore> {
    pollster::block_on(async {
        let (mut v, _) = Vault::create(store, &Passphrase::new("bench"), FAST).await.unwrap();
        v.import_entries((0..n).map(|i| entry(i, DAY_MS / 5)).collect()).await.unwrap();
        v
    })
}

fn unlock(c: &mut Criterion) {
    let store = MemoryStore::new();
    pollster::block_on(Vault::create(&store, &Passphrase::new("bench"), KdfParams::DEFAULT)).unwrap();
    let mut g = c.benchmark_group("unlock");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("argon2id_64MiB_t3_p1_plus_unwrap", |b| {
        b.iter(|| pollster::block_on(Vault::unlock_with_passphrase(&store, &Passphrase::new("bench"))).unwrap())
    });
    g.finish();
}

/// Saves one entry into the latest week, like a real diary.
fn save_one(v: &mut UnlockedVault<&MemoryStore>, n: u64, next: &mut u64) {
    *next += 1;
    let e = Entry::new(entry(*next, 0).id, START_MS + n as i64 * DAY_MS / 5, 60, 4);
    pollster::block_on(v.save_entry(e)).unwrap();
}

fn save(c: &mut Criterion) {
    let sizes = [10u64, 100_000];
    let stores = [MemoryStore::new(), MemoryStore::new()];
    let mut vaults: Vec<_> = stores.iter().zip(sizes).map(|(store, n)| vault_with(store, n)).collect();
    let mut next = 10_000_000u64;
    let mut g = c.benchmark_group("save_entry");
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    for (v, n) in vaults.iter_mut().zip(sizes) {
        g.bench_function(format!("with_{n}_entries"), |b| b.iter(|| save_one(v, n, &mut next)));
    }
    g.finish();
    // The two criterion runs above happen at different moments of a shared machine's load; this
    // ratio alternates the two vaults save by save, so both see the same load.
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..300 {
        for (i, n) in sizes.iter().enumerate() {
            let start = std::time::Instant::now();
            save_one(&mut vaults[i], *n, &mut next);
            times[i].push(start.elapsed());
        }
    }
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        t[t.len() / 2]
    };
    let (small, large) = (median(&mut times[0]), median(&mut times[1]));
    println!(
        "save_entry, alternating, median of 300 each: {small:?} with 10 entries, {large:?} with 100,000: ratio {:.2}",
        large.as_secs_f64() / small.as_secs_f64()
    );
}

fn export_import(c: &mut Criterion) {
    let store = MemoryStore::new();
    let v = vault_with(&store, 100_000);
    let pass = Passphrase::new("export");
    let bundle = pollster::block_on(v.export_bundle(&pass, FAST, 0)).unwrap();
    println!("bundle of 100,000 entries: {} bytes", bundle.len());
    let mut g = c.benchmark_group("bundle_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("export", |b| b.iter(|| pollster::block_on(v.export_bundle(&pass, FAST, 0)).unwrap()));
    g.bench_function("import_into_empty_vault", |b| {
        b.iter_with_setup(
            MemoryStore::new,
            |fresh| {
                pollster::block_on(async {
                    let (mut w, _) = Vault::create(&fresh, &Passphrase::new("b"), FAST).await.unwrap();
                    assert_eq!(w.import_bundle(&bundle, &pass).await.unwrap().added, 100_000);
                })
            },
        )
    });
    g.finish();
}

criterion_group!(benches, unlock, save, export_import);
criterion_main!(benches);
