// Compact per-SA storage: the failover analyzer keeps one state per live IKE SA, so its
// small collections are plain value types without hashing or per-entry allocation.

/// One optional value per side of an IKE SA, stored inline: the per-SA state keeps about a
/// dozen of these, and a two-slot struct costs no allocation or hashing where a
/// `[IKESide: Value]` dictionary costs both.
struct BySide<Value>: ExpressibleByDictionaryLiteral {
    var initiator: Value?
    var responder: Value?

    init() {}

    init(dictionaryLiteral elements: (IKESide, Value)...) {
        for (side, value) in elements { self[side] = value }
    }

    subscript(side: IKESide) -> Value? {
        get { side == .initiator ? initiator : responder }
        set {
            if side == .initiator { initiator = newValue } else { responder = newValue }
        }
    }

    /// Changes one side's value in place (starting from `initial` when absent), without the
    /// copy that reading it out and storing it back would make.
    mutating func update<R>(_ side: IKESide, default initial: @autoclosure () -> Value, _ body: (inout Value) -> R) -> R {
        // Moved out (the slot left empty), so the value is uniquely referenced while it changes.
        var v = self[side] ?? initial()
        self[side] = nil
        defer { self[side] = v }
        return body(&v)
    }

    /// The values present, the initiator's first.
    var values: [Value] {
        var v: [Value] = []
        if let initiator { v.append(initiator) }
        if let responder { v.append(responder) }
        return v
    }
}

/// A map from Message ID to a value, as a sorted array: Message IDs mostly arrive in increasing
/// order, so an insert is usually an append, a lookup a binary search, and a handful of entries
/// cost one small allocation instead of a hash table (the per-SA records of the window model).
struct IDMap<Value> {
    private var entries: [(id: UInt32, value: Value)] = []

    init() {}

    var count: Int { entries.count }
    var lowestID: UInt32? { entries.first?.id }

    /// Where `id` is, or where it would go.
    private func slot(_ id: UInt32) -> (found: Bool, index: Int) {
        if let last = entries.last {
            if id > last.id { return (false, entries.count) }
            if id == last.id { return (true, entries.count - 1) }
        } else {
            return (false, 0)
        }
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if entries[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return (lo < entries.count && entries[lo].id == id, lo)
    }

    subscript(id: UInt32) -> Value? {
        get {
            let s = slot(id)
            return s.found ? entries[s.index].value : nil
        }
        set {
            let s = slot(id)
            switch (s.found, newValue) {
            case (true, let v?): entries[s.index].value = v
            case (true, nil):
                entries.remove(at: s.index)
                if entries.isEmpty { entries = [] }  // give the storage back
            case (false, let v?):
                entries.insert((id, v), at: s.index)
            case (false, nil): break
            }
        }
    }

    /// Removes the entry whose value comes first by `earlier` (the bound on remembered IDs).
    mutating func removeFirst(by earlier: (Value, Value) -> Bool) {
        guard let i = entries.indices.min(by: { earlier(entries[$0].value, entries[$1].value) }) else { return }
        entries.remove(at: i)
    }

    /// Changes the value of `id` in place (no copy of what it holds); nothing when absent.
    mutating func update(_ id: UInt32, _ body: (inout Value) -> Void) {
        let s = slot(id)
        guard s.found else { return }
        body(&entries[s.index].value)
    }

    /// Removes and returns the value of `id`.
    mutating func removeValue(forKey id: UInt32) -> Value? {
        let v = self[id]
        if v != nil { self[id] = nil }
        return v
    }

    var dictionary: [UInt32: Value] {
        var d: [UInt32: Value] = [:]
        for e in entries { d[e.id] = e.value }
        return d
    }
}

extension IDMap: Sendable where Value: Sendable {}

extension IDMap: Equatable where Value: Equatable {
    static func == (a: IDMap, b: IDMap) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.id == $1.id && $0.value == $1.value }
    }
}

extension IDMap: Hashable where Value: Hashable {
    func hash(into h: inout Hasher) {
        h.combine(entries.count)
        for e in entries {
            h.combine(e.id)
            h.combine(e.value)
        }
    }
}
