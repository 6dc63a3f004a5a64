using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// A key as stored in a node on disk: 16 bytes, the unprepared form of
/// NodeTree.Key byte for byte (docs/keys.md "Layout"; EROS KeyBits).
/// </summary>
/// <remarks>
/// I1: KeyType is defined (KeyTypes.IsDefined); no in-memory flag (KeyFlags) and
/// no reserved bit (bit 4 of byte 13) is set.
/// I2: an object key names a non-null OID.
/// I3: a void key is sixteen zero bytes.
/// Checked by <see cref="Validate"/>.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public unsafe struct DiskKey
{
    public const int Size = 16;

    /// <summary>The bit of byte 13 that is neither a right nor a flag.</summary>
    public const byte ReservedBits = 0x10;

    /// <summary>Object keys: OID. Range keys: first OID. Number keys: words 0 and 1.</summary>
    [FieldOffset(0)]
    public Oid Oid;

    /// <summary>Object keys: AllocCount (resume keys: CallCount). Range keys: count. Number keys: word 2.</summary>
    [FieldOffset(8)]
    public uint AllocCount;

    /// <summary>Number keys: 32-bit word 0 (least significant) of the 96-bit value.</summary>
    [FieldOffset(0)]
    public uint Word0;

    /// <summary>Number keys: word 1.</summary>
    [FieldOffset(4)]
    public uint Word1;

    /// <summary>Number keys: word 2 (most significant).</summary>
    [FieldOffset(8)]
    public uint Word2;

    [FieldOffset(12)]
    public KeyType Type;

    /// <summary>KeyRights in bits 0..3; bits 4..7 zero on disk.</summary>
    [FieldOffset(13)]
    public KeyRights Rights;

    /// <summary>Segment height, start-key info, sched priority.</summary>
    [FieldOffset(14)]
    public ushort KeyData;

    /// <summary>Checks I1..I3 of one key read from disk.</summary>
    public static FormatError Validate(DiskKey* key)
    {
        if (!KeyTypes.IsDefined(key->Type))
        {
            return FormatError.KeyUndefinedType;
        }

        byte bits = (byte)key->Rights;
        if ((bits & (byte)KeyFlags.MemoryOnly) != 0)
        {
            return FormatError.KeyMemoryOnlyFlags;
        }

        if ((bits & ReservedBits) != 0)
        {
            return FormatError.KeyReservedBits;
        }

        if (KeyTypes.IsObject(key->Type) && key->Oid.IsNull)
        {
            return FormatError.KeyNullOid;
        }

        if (key->Type == KeyType.Void && (key->Oid.Value != 0 || key->AllocCount != 0 || bits != 0 || key->KeyData != 0))
        {
            return FormatError.KeyVoidNotZero;
        }

        return FormatError.None;
    }
}
