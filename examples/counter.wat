;; counter: a stateful reactor. `_initialize` sets the count to 0; the global's
;; declared initial value is 1000, so a host that forgets `_initialize` sees
;; increment() return 1001 instead of 1.
(module
  (memory (export "memory") 1)

  (global $count (export "count") (mut i32) (i32.const 1000))

  (func (export "_initialize")
    (global.set $count (i32.const 0)))

  ;; Adds one and returns the new count: 1, 2, 3, ... across calls.
  (func (export "increment") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))

  (func (export "get") (result i32)
    (global.get $count))

  (func (export "reset")
    (global.set $count (i32.const 0)))
)
