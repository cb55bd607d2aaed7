//! Shared set-up: a host tree with a read-only zone, a read-write zone and a directory outside
//! every zone; policies over it; sandboxes and CLI invocations sharing one compiled-code cache.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output as ProcessOutput};
use zonebox::{Output, Policy, Sandbox};

/// The compiled-code cache all tests share (one compile per test run).
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("zonebox-test-cache")
}

/// Limits for a test policy; every field is written into the TOML.
#[derive(Clone)]
pub struct TestLimits {
    pub timeout_secs: f64,
    pub memory_mib: u64,
    pub max_output_bytes: u64,
    pub max_open_files: u32,
    pub cpu_fuel: Option<u64>,
    pub shell_memory_mib: u64,
}

impl Default for TestLimits {
    fn default() -> Self {
        TestLimits {
            timeout_secs: 10.0,
            memory_mib: 64,
            max_output_bytes: 1 << 20,
            max_open_files: 64,
            cpu_fuel: None,
            shell_memory_mib: 64,
        }
    }
}

/// A host tree for one test:
/// - `workspace/` is the ro zone `/workspace` (holding `hello.txt` and `sub/nested.txt`),
/// - `out/` is the rw zone `/out`,
/// - `outside/secret.txt` is in no zone.
pub struct Host {
    pub root: tempfile::TempDir,
}

impl Host {
    pub fn new() -> Host {
        let root = tempfile::tempdir().expect("temp dir");
        let host = Host { root };
        fs::create_dir_all(host.workspace().join("sub")).unwrap();
        fs::create_dir_all(host.out()).unwrap();
        fs::create_dir_all(host.outside()).unwrap();
        fs::write(
            host.workspace().join("hello.txt"),
            "hello from the workspace\n",
        )
        .unwrap();
        fs::write(host.workspace().join("sub/nested.txt"), "one\ntwo\nthree\n").unwrap();
        fs::write(host.outside().join("secret.txt"), "top secret\n").unwrap();
        host
    }

    pub fn workspace(&self) -> PathBuf {
        self.root.path().join("workspace")
    }

    pub fn out(&self) -> PathBuf {
        self.root.path().join("out")
    }

    pub fn outside(&self) -> PathBuf {
        self.root.path().join("outside")
    }

    pub fn policy_toml(&self, limits: &TestLimits) -> String {
        let fuel = limits
            .cpu_fuel
            .map(|f| format!("cpu_fuel = {f}\n"))
            .unwrap_or_default();
        format!(
            "workdir = \"/workspace\"\nnetwork = \"none\"\n\n\
             [[zones]]\nhost = {ws:?}\nguest = \"/workspace\"\nmode = \"ro\"\n\n\
             [[zones]]\nhost = {out:?}\nguest = \"/out\"\nmode = \"rw\"\n\n\
             [[zones]]\nguest = \"/tmp\"\nmode = \"scratch\"\n\n\
             [env]\nset = {{ HOME = \"/tmp\", LANG = \"C\" }}\n\n\
             [limits]\ntimeout_secs = {t}\nmemory_mib = {m}\nmax_output_bytes = {o}\nmax_open_files = {f}\nmax_instances = 64\nshell_memory_mib = {s}\n{fuel}\n\
             [routing]\ndynamic = \"wasm\"\n",
            ws = self.workspace().display().to_string(),
            out = self.out().display().to_string(),
            t = limits.timeout_secs,
            m = limits.memory_mib,
            o = limits.max_output_bytes,
            f = limits.max_open_files,
            s = limits.shell_memory_mib,
        )
    }

    /// Writes the policy into the host root (outside every zone) and returns its path.
    pub fn policy_file(&self, limits: &TestLimits) -> PathBuf {
        let path = self.root.path().join("policy.toml");
        fs::write(&path, self.policy_toml(limits)).unwrap();
        path
    }

    pub fn sandbox_with(&self, limits: &TestLimits) -> Sandbox {
        let policy =
            Policy::from_toml(&self.policy_toml(limits), "test policy").expect("valid test policy");
        Sandbox::builder(policy)
            .cache_dir(cache_dir())
            .build()
            .expect("sandbox")
    }

    pub fn sandbox(&self) -> Sandbox {
        self.sandbox_with(&TestLimits::default())
    }

    /// Every file below the host root, relative, sorted: to assert that nothing else changed.
    pub fn tree(&self) -> Vec<String> {
        let mut found = Vec::new();
        collect(self.root.path(), self.root.path(), &mut found);
        found.sort();
        found
    }
}

fn collect(root: &Path, dir: &Path, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        found.push(path.strip_prefix(root).unwrap().display().to_string());
        if entry.file_type().unwrap().is_dir() {
            collect(root, &path, found);
        }
    }
}

/// Runs a line and returns its output, failing the test on a library error.
pub fn run(sandbox: &Sandbox, line: &str) -> Output {
    sandbox
        .run(line)
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

/// The `zonebox` binary, with the shared cache and a clean environment.
pub fn zonebox(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zonebox"));
    command
        .current_dir(dir)
        .env("ZONEBOX_CACHE_DIR", cache_dir());
    command
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a CLI invocation's exit code, with its output in the message when it differs.
pub fn expect_status(output: &ProcessOutput, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// A hostile wasm program from `programs/NAME.wat`.
pub fn program(sandbox: &Sandbox, name: &str) -> zonebox::WasmProgram {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/programs")
        .join(format!("{name}.wat"));
    let wasm = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sandbox
        .compile_program(name, &wasm)
        .expect("program compiles")
}
