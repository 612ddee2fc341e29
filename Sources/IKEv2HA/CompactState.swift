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

/// The last few distinct values, oldest first, the oldest one inline: most IKE SAs only ever
/// use one address pair, which then costs no allocation.
struct RecentValues<Value: Equatable> {
    private var oldest: Value?
    private var newer: [Value] = []

    init() {}

    var count: Int { oldest == nil ? 0 : 1 + newer.count }

    func contains(_ v: Value) -> Bool { oldest == v || newer.contains(v) }

    /// Adds `v` as the newest unless it is already kept; beyond `limit` values the oldest is
    /// forgotten.
    mutating func insert(_ v: Value, keeping limit: Int) {
        guard !contains(v) else { return }
        if count >= limit { oldest = newer.isEmpty ? nil : newer.removeFirst() }
        if oldest == nil { oldest = v } else { newer.append(v) }
    }

    /// The values, oldest first.
    var values: [Value] { oldest.map { [$0] + newer } ?? [] }
}

/// A value that an `IDMap` keeps its key in: the ID costs nothing where the value has padding
/// for it (a Message ID record is 32 bytes with its ID, an (ID, record) pair would be 40).
protocol IDMapValue {
    associatedtype ID: Comparable
    /// The key the value is stored under; the map sets it.
    var id: ID { get set }
}

/// A map from an ID (a Message ID, an SPI, an ESP sequence number) to a value, as a sorted
/// array: the IDs mostly arrive in increasing order, so an insert is usually an append, a
/// lookup a binary search, and a handful of entries cost one small allocation instead of a hash
/// table (the per-SA records of the window model and of each ESP/AH SPI).
struct IDMap<Value: IDMapValue> {
    private var entries: [Value] = []

    init() {}

    var count: Int { entries.count }
    var lowestID: Value.ID? { entries.first?.id }

    /// Where `id` is, or where it would go.
    private func slot(_ id: Value.ID) -> (found: Bool, index: Int) {
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

    subscript(id: Value.ID) -> Value? {
        get {
            let s = slot(id)
            return s.found ? entries[s.index] : nil
        }
        set {
            let s = slot(id)
            switch (s.found, newValue) {
            case (true, var v?):
                v.id = id
                entries[s.index] = v
            case (true, nil):
                entries.remove(at: s.index)
                if entries.isEmpty { entries = [] }  // give the storage back
            case (false, var v?):
                v.id = id
                entries.insert(v, at: s.index)
            case (false, nil): break
            }
        }
    }

    /// Removes the entry whose value comes first by `earlier` (the bound on remembered IDs).
    mutating func removeFirst(by earlier: (Value, Value) -> Bool) {
        guard let i = entries.indices.min(by: { earlier(entries[$0], entries[$1]) }) else { return }
        entries.remove(at: i)
    }

    /// Changes the value of `id` in place (no copy of what it holds); nothing when absent.
    mutating func update(_ id: Value.ID, _ body: (inout Value) -> Void) {
        let s = slot(id)
        guard s.found else { return }
        body(&entries[s.index])
    }

    /// Removes and returns the value of `id`.
    mutating func removeValue(forKey id: Value.ID) -> Value? {
        let v = self[id]
        if v != nil { self[id] = nil }
        return v
    }

    /// Removes the values whose ID is `id` or lower.
    mutating func removeAll(through id: Value.ID) {
        let s = slot(id)
        entries.removeFirst(s.found ? s.index + 1 : s.index)
    }

    /// The values, by increasing ID.
    var values: [Value] { entries }
}

extension IDMap: Sendable where Value: Sendable {}

extension IDMap: Equatable where Value: Equatable {
    static func == (a: IDMap, b: IDMap) -> Bool { a.entries == b.entries }
}

extension IDMap: Hashable where Value: Hashable {
    func hash(into h: inout Hasher) { h.combine(entries) }
}
