//! The compiled-code cache: filled on the first run, reused after, rebuilt when damaged.

use crate::support::{Host, expect_status, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn zonebox_with_cache(host: &Host, cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zonebox"));
    command
        .current_dir(host.workspace())
        .env("ZONEBOX_CACHE_DIR", cache);
    command
}

fn cache_files(cache: &Path) -> Vec<PathBuf> {
    fs::read_dir(cache)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn the_first_run_fills_the_cache_and_later_runs_reuse_it() {
    let host = Host::new();
    let cache = tempfile::tempdir().unwrap();
    let output = zonebox_with_cache(&host, cache.path())
        .args(["run", "echo first"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    let files = cache_files(cache.path());
    assert_eq!(files.len(), 1, "one cache file: {files:?}");
    let written = fs::metadata(&files[0]).unwrap().modified().unwrap();
    let output = zonebox_with_cache(&host, cache.path())
        .args(["run", "echo second"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "second\n");
    assert_eq!(
        fs::metadata(&files[0]).unwrap().modified().unwrap(),
        written,
        "the cache file was reused, not rewritten"
    );
}

#[test]
fn a_corrupt_or_truncated_cache_file_is_rebuilt_not_trusted() {
    let host = Host::new();
    let cache = tempfile::tempdir().unwrap();
    expect_status(
        &zonebox_with_cache(&host, cache.path())
            .args(["run", "true"])
            .output()
            .unwrap(),
        0,
    );
    let file = cache_files(cache.path()).pop().expect("cache file");
    let original = fs::read(&file).unwrap();

    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped byte in the code", {
            let mut bytes = original.clone();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            bytes
        }),
        ("truncated", original[..original.len() / 3].to_vec()),
        ("empty", Vec::new()),
        ("garbage", b"not a module at all".to_vec()),
    ];
    for (what, damaged) in damages {
        fs::write(&file, &damaged).unwrap();
        let output = zonebox_with_cache(&host, cache.path())
            .args(["run", "echo survived"])
            .output()
            .unwrap();
        expect_status(&output, 0);
        assert_eq!(text(&output.stdout), "survived\n", "{what}");
        assert_eq!(
            fs::read(&file).unwrap(),
            original,
            "{what}: the file was rebuilt"
        );
    }

    // An intact file that others could have written is not trusted either: it is replaced.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
    let output = zonebox_with_cache(&host, cache.path())
        .args(["run", "echo survived"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "survived\n");
    let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "the world-writable file was replaced by a private one"
    );
}

#[test]
fn an_unwritable_cache_directory_still_runs() {
    let host = Host::new();
    let blocker = tempfile::NamedTempFile::new().unwrap();
    // A file where the cache directory should be: nothing can be written below it.
    let output = zonebox_with_cache(&host, &blocker.path().join("cache"))
        .args(["run", "echo still works"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "still works\n");
}

#[test]
fn old_compiled_toolsets_are_pruned_when_a_new_one_is_written() {
    let host = Host::new();
    let cache = tempfile::tempdir().unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for i in 0..6 {
        let stale = cache.path().join(format!("toolset-old{i}.cwasm"));
        fs::write(&stale, b"an older toolset").unwrap();
        fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    fs::write(cache.path().join("notes.txt"), b"not ours").unwrap();
    expect_status(
        &zonebox_with_cache(&host, cache.path())
            .args(["run", "true"])
            .output()
            .unwrap(),
        0,
    );
    let names: Vec<String> = cache_files(cache.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let toolsets = names.iter().filter(|n| n.ends_with(".cwasm")).count();
    assert_eq!(
        toolsets, 4,
        "the new toolset and the three newest old ones: {names:?}"
    );
    assert!(names.iter().any(|n| n == "notes.txt"), "other files stay");
    let output = zonebox_with_cache(&host, cache.path())
        .args(["run", "echo cached"])
        .output()
        .unwrap();
    assert_eq!(text(&output.stdout), "cached\n");
}
