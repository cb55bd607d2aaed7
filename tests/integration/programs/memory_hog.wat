;; Grows memory 1 MiB at a time until a grow fails, then aborts as an allocator would.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $grow
      (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1))
        (then unreachable))
      (br $grow))))
