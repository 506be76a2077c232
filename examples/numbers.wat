;; numbers: plain numeric exports with named parameters, multi-value results,
;; an exported memory and exported globals. No imports, no WASI: the simplest reactor.
(module
  (memory (export "memory") 1)

  ;; An immutable and a mutable exported global.
  (global $answer (export "answer") i32 (i32.const 42))
  (global $scale (export "scale") (mut f64) (f64.const 1.5))

  (func (export "add_i32") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  (func (export "add_i64") (param $a i64) (param $b i64) (result i64)
    (i64.add (local.get $a) (local.get $b)))

  (func (export "mul_f32") (param $a f32) (param $b f32) (result f32)
    (f32.mul (local.get $a) (local.get $b)))

  (func (export "div_f64") (param $a f64) (param $b f64) (result f64)
    (f64.div (local.get $a) (local.get $b)))

  ;; Multi-value: quotient and remainder (signed; traps when b is 0).
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_s (local.get $a) (local.get $b))
    (i32.rem_s (local.get $a) (local.get $b)))

  ;; Multi-value with mixed types: the results come back in swapped order.
  (func (export "swap") (param $a i32) (param $b i64) (result i64 i32)
    (local.get $b)
    (local.get $a))

  (func (export "id_i32") (param $x i32) (result i32) (local.get $x))
  (func (export "id_i64") (param $x i64) (result i64) (local.get $x))
  (func (export "id_f32") (param $x f32) (result f32) (local.get $x))
  (func (export "id_f64") (param $x f64) (result f64) (local.get $x))

  ;; Parameters without names: the name section has no local names for this function.
  (func (export "sub_i32") (param i32) (param i32) (result i32)
    (i32.sub (local.get 0) (local.get 1)))

  (func (export "nothing"))
)
