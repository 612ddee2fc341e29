import IKEv2

/// Hex for tests: a missing/odd value yields an empty array, which every test then fails on.
func hx(_ s: String?) -> [UInt8] { s.flatMap { Hex.decode($0) } ?? [] }

func spi(_ bytes: [UInt8], at offset: Int) -> UInt64 {
    bytes[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
}
