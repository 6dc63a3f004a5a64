using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// A set of OIDs in caller memory: open addressing with linear probing, 0 = empty (OID 0 is never
/// allocated). Used by the graph walk; filled to at most three quarters.
/// </summary>
/// <remarks>I1: every stored OID is in the probe run starting at its hash; Count &lt;= 3/4 capacity.</remarks>
public unsafe struct OidSet
{
    private ulong* _slots;
    private uint _mask;
    private uint _count;

    /// <summary>OIDs held.</summary>
    public readonly uint Count => _count;

    /// <summary>Lays the set out in <paramref name="memory"/> (<paramref name="slots"/> a power of two, 8 bytes each) and empties it.</summary>
    public void Initialize(ulong* memory, uint slots)
    {
        _slots = memory;
        _mask = slots - 1;
        _count = 0;
        // slots is a power of two >= 16 (callers size it so); four stores per step keep the snapshot's
        // CloseGeneration short (it runs in the pause).
        uint i = 0;
        for (; i + 4 <= slots; i += 4)
        {
            memory[i] = 0;
            memory[i + 1] = 0;
            memory[i + 2] = 0;
            memory[i + 3] = 0;
        }

        for (; i < slots; i++)
        {
            memory[i] = 0;
        }
    }

    /// <summary>Lays the set out in <paramref name="memory"/> that is already all zero (no clearing: O(1)).</summary>
    public void Adopt(ulong* memory, uint slots)
    {
        _slots = memory;
        _mask = slots - 1;
        _count = 0;
    }

    /// <summary>The set's memory (for a caller that clears it in steps before adopting it again).</summary>
    public readonly ulong* Memory => _slots;

    public readonly bool Contains(Oid oid)
    {
        for (uint i = Hash(oid); ; i = (i + 1) & _mask)
        {
            if (_slots[i] == oid.Value)
            {
                return true;
            }

            if (_slots[i] == 0)
            {
                return false;
            }
        }
    }

    /// <summary>Adds <paramref name="oid"/> (not null, not present). False when the set is full.</summary>
    public bool Add(Oid oid)
    {
        if ((ulong)(_count + 1) * 4 > ((ulong)_mask + 1) * 3)
        {
            return false;
        }

        uint i = Hash(oid);
        while (_slots[i] != 0)
        {
            i = (i + 1) & _mask;
        }

        _slots[i] = oid.Value;
        _count++;
        return true;
    }

    private readonly uint Hash(Oid oid) => (uint)((oid.Value * 0x9E3779B97F4A7C15UL) >> 32) & _mask;
}
