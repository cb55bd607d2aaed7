;; Opens the first zone's root directory, for listing only, 32 times without closing any, then exits 0.
;; Exits with the errno if an open fails.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) ".")
  (func (export "_start")
    (local $count i32)
    (local $errno i32)
    (loop $open
      (local.set $errno
        (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1)
          (i32.const 2) (i64.const 0x6000) (i64.const 0x6000) (i32.const 0) (i32.const 200)))
      (if (local.get $errno) (then (call $proc_exit (local.get $errno))))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $open (i32.lt_u (local.get $count) (i32.const 32))))
    (call $proc_exit (i32.const 0))))
