using System.Runtime.InteropServices;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// A key (capability) in memory: 16 bytes, the disk layout plus a prepared form
/// (docs/keys.md; EROS SOSP'99 §3.2, EROS KeyBits).
/// </summary>
/// <remarks>
/// Layout (offsets pinned by KeyTests and identical to DiskFormat.DiskKey):
/// <code>
///  0..11  payload  unprepared object key: Oid u64 @0, AllocCount u32 @8
///                  (resume key: the root's CallCount @8)
///                  number-like key: Word0 @0, Word1 @4, Word2 @8 (range: first OID @0, count @8)
///                  prepared object key: KeyRing {Next @0, Prev @4}, ObjectReference @8
///  12     KeyType
///  13     rights (bits 0..3, KeyRights) | in-memory flags (bits 5..7, KeyFlags); bit 4 reserved, zero
///  14..15 KeyData  segment height (low 8 bits), start-key info, sched priority
/// </code>
/// The unprepared form IS the disk form, so loading a node copies its keys and
/// writing one copies them back after unpreparing. Preparing (the cache's
/// Prepare) validates (OID, AllocCount) against the cached object, then replaces
/// the payload with a ring link and a <see cref="KernelReference"/> to the
/// object's header, and sets <see cref="KeyFlags.Prepared"/>.
/// I1: a prepared key is an object key (<see cref="KeyTypes.IsObject"/>).
/// I2: a prepared key is on the ring of the object its ObjectReference names.
/// I3: bit 4 of byte 13 is zero.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct Key
{
    /// <summary>Byte offset of the type; the payload is the 12 bytes before it.</summary>
    public const int TypeOffset = 12;

    [FieldOffset(0)]
    private ulong _oid;

    [FieldOffset(8)]
    private uint _allocCount;

    [FieldOffset(0)]
    private uint _word0;

    [FieldOffset(4)]
    private uint _word1;

    [FieldOffset(8)]
    private uint _word2;

    [FieldOffset(0)]
    private KeyRing _ring;

    [FieldOffset(8)]
    private uint _objectReference;

    [FieldOffset(12)]
    private KeyType _type;

    [FieldOffset(13)]
    private byte _bits;

    [FieldOffset(14)]
    private ushort _keyData;

    public KeyType Type => _type;

    public KeyRights Rights => (KeyRights)(_bits & (byte)KeyRights.All);

    public KeyFlags Flags => (KeyFlags)(_bits & (byte)KeyFlags.MemoryOnly);

    public bool IsPrepared => (_bits & (byte)KeyFlags.Prepared) != 0;

    /// <summary>16 bits of type-specific data: segment height, start-key info, priority.</summary>
    public ushort KeyData => _keyData;

    /// <summary>Segment height (EROS blss): low 8 bits of <see cref="KeyData"/>.</summary>
    public byte Height => (byte)_keyData;

    /// <summary>OID of an unprepared object key; the first OID of a range key.</summary>
    public Oid Oid => new(_oid);

    /// <summary>AllocCount of an unprepared object key (CallCount for a resume key); count of a range key.</summary>
    public uint AllocCount => _allocCount;

    /// <summary>Ring link of a prepared key (owned by the cache).</summary>
    public KeyRing Ring
    {
        readonly get => _ring;
        set => _ring = value;
    }

    /// <summary>Reference to the ObjectHeader a prepared key designates (owned by the cache).</summary>
    public uint ObjectReference
    {
        readonly get => _objectReference;
        set => _objectReference = value;
    }

    /// <summary>Number-key word 0..2 (the 96-bit value, word 0 least significant).</summary>
    public readonly uint Word(int index) => index == 0 ? _word0 : index == 1 ? _word1 : _word2;

    /// <summary>The void key: all sixteen bytes zero.</summary>
    public static Key Void => default;

    /// <summary>An unprepared object key (gate, page, node, segment, process, wrapper).</summary>
    public static Key Object(KeyType type, Oid oid, uint allocCount, KeyRights rights, ushort keyData)
    {
        Key key = default;
        key._type = type;
        key._oid = oid.Value;
        key._allocCount = allocCount;
        key._bits = (byte)(rights & KeyRights.All);
        key._keyData = keyData;
        return key;
    }

    /// <summary>A number key holding the 96-bit value (word2:word1:word0).</summary>
    public static Key Number(uint word0, uint word1, uint word2)
    {
        Key key = default;
        key._type = KeyType.Number;
        key._word0 = word0;
        key._word1 = word1;
        key._word2 = word2;
        return key;
    }

    /// <summary>A range key over [first, first + count).</summary>
    public static Key Range(KeyType type, Oid first, uint count)
    {
        Key key = default;
        key._type = type;
        key._oid = first.Value;
        key._allocCount = count;
        return key;
    }

    /// <summary>A miscellaneous kernel key (console, sleep, checkpoint, discrim ...) or a sched key.</summary>
    public static Key Kernel(KeyType type, ushort keyData)
    {
        Key key = default;
        key._type = type;
        key._keyData = keyData;
        return key;
    }

    /// <summary>Switches to the prepared form; the caller (the cache's Prepare) links the ring.</summary>
    public void SetPrepared(uint objectReference, KeyRing ring)
    {
        _ring = ring;
        _objectReference = objectReference;
        _bits |= (byte)KeyFlags.Prepared;
    }

    /// <summary>Switches back to the unprepared (disk) form; the caller has unlinked the ring.</summary>
    public void SetUnprepared(Oid oid, uint allocCount)
    {
        _oid = oid.Value;
        _allocCount = allocCount;
        _bits &= unchecked((byte)~(byte)KeyFlags.Prepared);
    }

    /// <summary>Sets or clears the read/write hazard bits (depend table).</summary>
    public void SetHazards(KeyFlags hazards)
    {
        byte mask = (byte)(KeyFlags.ReadHazard | KeyFlags.WriteHazard);
        _bits = (byte)((_bits & ~mask) | ((byte)hazards & mask));
    }

    /// <summary>Replaces the rights bits (e.g. weakening), keeping the flags.</summary>
    public void SetRights(KeyRights rights)
    {
        _bits = (byte)((_bits & ~(byte)KeyRights.All) | (byte)(rights & KeyRights.All));
    }
}
