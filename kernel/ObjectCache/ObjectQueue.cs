using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>A FIFO of (ObType, OID) in caller memory: a ring of 16-byte entries. Used by the graph walk.</summary>
public unsafe struct ObjectQueue
{
    private Entry* _entries;
    private uint _capacity;
    private uint _head;
    private uint _count;

    public readonly uint Count => _count;

    public void Initialize(void* memory, uint capacity)
    {
        _entries = (Entry*)memory;
        _capacity = capacity;
        _head = 0;
        _count = 0;
    }

    /// <summary>Appends at the tail; false when full.</summary>
    public bool Enqueue(ObType type, Oid oid)
    {
        if (_count == _capacity)
        {
            return false;
        }

        uint tail = (uint)(((ulong)_head + _count) % _capacity);
        _entries[tail].Oid = oid.Value;
        _entries[tail].Type = (ulong)type;
        _count++;
        return true;
    }

    /// <summary>Takes the head; false when empty.</summary>
    public bool Dequeue(out ObType type, out Oid oid)
    {
        if (_count == 0)
        {
            type = ObType.None;
            oid = Oid.Null;
            return false;
        }

        type = (ObType)_entries[_head].Type;
        oid = new Oid(_entries[_head].Oid);
        _head = _head + 1 == _capacity ? 0 : _head + 1;
        _count--;
        return true;
    }

    /// <summary>Bytes per entry.</summary>
    public const int EntrySize = 16;

    private struct Entry
    {
        public ulong Oid;
        public ulong Type;
    }
}
