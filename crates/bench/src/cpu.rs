//! Where the cores went during a measured window, from `/proc`: how busy
//! the machine was, and how many cores each program used (the load
//! generator, the database and the bus share the cores with Koine, so a
//! latency figure means little without them).

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// CPU time so far: the machine's, and each program's (by name, or by the
/// label given to a process).
pub struct Cpu {
    total: u64,
    idle: u64,
    by_program: BTreeMap<String, u64>,
}

impl Cpu {
    /// Now; the processes in `labelled` are counted under their label (two
    /// Koine nodes apart), every other one under its program's name.
    pub fn now(labelled: &[(&str, u32)]) -> Self {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        // cpu user nice system idle iowait irq softirq steal …
        let ticks: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .take(8)
            .filter_map(|t| t.parse().ok())
            .collect();
        let total = ticks.iter().sum();
        let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
        let mut by_program = BTreeMap::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            let Some((name, used)) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| program_ticks(&s))
            else {
                continue;
            };
            let name = labelled
                .iter()
                .find(|(_, p)| *p == pid)
                .map_or(name, |(label, _)| (*label).to_owned());
            *by_program.entry(name).or_default() += used;
        }
        Self {
            total,
            idle,
            by_program,
        }
    }

    /// The share of the machine that was busy since `earlier`, and the
    /// cores each program used on average (those using 1 % of a core or
    /// more).
    pub fn since(&self, earlier: &Cpu) -> Value {
        let total = self.total.saturating_sub(earlier.total).max(1) as f64;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let busy = 1.0 - self.idle.saturating_sub(earlier.idle) as f64 / total;
        let used: serde_json::Map<String, Value> = self
            .by_program
            .iter()
            .map(|(name, t)| {
                let before = earlier.by_program.get(name).copied().unwrap_or(0);
                (name, t.saturating_sub(before) as f64 / total * cores)
            })
            .filter(|(_, c)| *c >= 0.01)
            .map(|(name, c)| (name.clone(), json!((c * 100.0).round() / 100.0)))
            .collect();
        json!({ "machine_busy": (busy * 1000.0).round() / 1000.0, "cores_used": used })
    }
}

/// A process's name and its user plus system ticks, from `/proc/<pid>/stat`
/// (the name is in parentheses and may hold spaces).
fn program_ticks(stat: &str) -> Option<(String, u64)> {
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    // After the name: state (field 3) … utime (14), stime (15).
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_process_line_gives_its_name_and_ticks() {
        let line = "4242 (nats server) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 567 0 0 20 0 9 0 100 1000 200";
        assert_eq!(super::program_ticks(line), Some(("nats server".into(), 1801)));
    }

    #[test]
    fn this_process_is_seen() {
        let cpu = super::Cpu::now(&[("me", std::process::id())]);
        assert!(cpu.by_program.contains_key("me"));
        assert!(cpu.total > cpu.idle);
    }
}
