// A bounded table with least-recently-used eviction, O(1) per operation: slots in arrays,
// a dictionary from key to slot, and a doubly linked recency list through the slots.

final class FailoverLRU<Key: Hashable, Value: AnyObject> {
    private var index: [Key: Int] = [:]
    private var keys: [Key?] = []
    private var values: [Value?] = []
    private var prev: [Int] = []
    private var next: [Int] = []
    private var free: [Int] = []
    /// Most recently used.
    private var head = -1
    /// Least recently used.
    private var tail = -1

    var count: Int { index.count }

    func value(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        return values[slot]
    }

    /// Marks `key` as just used.
    func touch(_ key: Key) {
        guard let slot = index[key], slot != head else { return }
        unlink(slot)
        pushFront(slot)
    }

    /// The value of `key`, marked as just used (one lookup for `value` plus `touch`).
    func use(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        if slot != head {
            unlink(slot)
            pushFront(slot)
        }
        return values[slot]
    }

    /// Inserts a new key (which must not be present); returns the evicted entry when the
    /// table already held `capacity` entries.
    func insert(_ key: Key, _ value: Value, capacity: Int) -> (key: Key, value: Value)? {
        var evicted: (key: Key, value: Value)? = nil
        if index.count >= max(1, capacity), tail >= 0, let k = keys[tail], let v = values[tail] {
            evicted = (k, v)
            _ = remove(k)
        }
        let slot: Int
        if let f = free.popLast() {
            slot = f
            keys[slot] = key
            values[slot] = value
        } else {
            slot = keys.count
            keys.append(key)
            values.append(value)
            prev.append(-1)
            next.append(-1)
        }
        index[key] = slot
        pushFront(slot)
        return evicted
    }

    /// Removes `key`, returning its value.
    func remove(_ key: Key) -> Value? {
        guard let slot = index.removeValue(forKey: key) else { return nil }
        unlink(slot)
        let v = values[slot]
        keys[slot] = nil
        values[slot] = nil
        free.append(slot)
        return v
    }

    /// Moves an entry to another key, keeping its recency.
    func rekey(_ old: Key, to new: Key) {
        guard index[new] == nil, let slot = index.removeValue(forKey: old) else { return }
        keys[slot] = new
        index[new] = slot
    }

    /// The least recently used entry, if any.
    var leastRecent: (key: Key, value: Value)? {
        guard tail >= 0, let k = keys[tail], let v = values[tail] else { return nil }
        return (k, v)
    }

    /// All values, in no particular order.
    var allValues: [Value] { values.compactMap { $0 } }

    private func unlink(_ slot: Int) {
        let p = prev[slot], n = next[slot]
        if p >= 0 { next[p] = n } else if head == slot { head = n }
        if n >= 0 { prev[n] = p } else if tail == slot { tail = p }
        prev[slot] = -1
        next[slot] = -1
    }

    private func pushFront(_ slot: Int) {
        prev[slot] = -1
        next[slot] = head
        if head >= 0 { prev[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
