;; Tries to reach the host through descriptors and paths it was never given:
;; guessed descriptor numbers, an absolute path, and `..` out of the first zone.
;; A control open of a file inside the zone, with the same call, must succeed first.
;; Exits 0 only if the control worked and every escape failed.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "/etc/passwd")
  (data (i32.const 120) "../../../../../../etc/passwd")
  (data (i32.const 160) "etc/passwd")
  (data (i32.const 180) "hello.txt")
  ;; open for reading (rights: fd_read), following symlinks
  (func $open (param $fd i32) (param $path i32) (param $len i32) (result i32)
    (call $path_open (local.get $fd) (i32.const 1) (local.get $path) (local.get $len)
      (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 300)))
  (func (export "_start")
    (local $fd i32)
    (if (call $open (i32.const 3) (i32.const 180) (i32.const 9))
      (then (call $proc_exit (i32.const 20))))
    ;; descriptors past the preopens and the control's file do not exist
    (local.set $fd (i32.const 7))
    (loop $guess
      (if (i32.eqz (call $open (local.get $fd) (i32.const 160) (i32.const 10)))
        (then (call $proc_exit (i32.const 10))))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br_if $guess (i32.lt_u (local.get $fd) (i32.const 64))))
    (if (i32.eqz (call $open (i32.const 3) (i32.const 100) (i32.const 11)))
      (then (call $proc_exit (i32.const 11))))
    (if (i32.eqz (call $open (i32.const 3) (i32.const 120) (i32.const 28)))
      (then (call $proc_exit (i32.const 12))))
    (call $proc_exit (i32.const 0))))
