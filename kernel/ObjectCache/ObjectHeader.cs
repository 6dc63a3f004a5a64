using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// The cache's record of one object frame (EROS ObjectHeader; docs/object-cache.md "Definitions").
/// </summary>
/// <remarks>
/// Headers live in one table from the caller's memory: page frames first, then node frames
/// (<see cref="Cache"/>). A header is 16-byte aligned and begins with the ring head, so a
/// <see cref="KernelReference"/> to the header is also a reference to its ring head (docs/keys.md).
/// I1: ObType is None (free) or the kind of the frame (Page for page frames, Node for node frames).
/// I2: a free frame has no flags (but Reading while reserved for a read in flight, Cache I12), no pins,
/// an empty ring and is in no hash chain.
/// I3: an object in the cache is in exactly one hash chain, that of its Oid.
/// I4: every key on the ring is prepared and its ObjectReference names this header (K4, K6).
/// Fields are written only by <see cref="Cache"/>. CheckpointPending and <see cref="Reserved"/> are
/// written there on the checkpoint's behalf: set by the snapshot (Cache.Freeze), cleared at commit or
/// after a failed checkpoint (Cache.Pending.cs, I10).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ObjectHeader
{
    /// <summary>Bytes per header (a multiple of 16, so every header stays aligned in the table).</summary>
    public const int Size = 48;

    /// <summary>Head of the ring of prepared keys designating this object; a self-loop when empty.</summary>
    [FieldOffset(0)]
    public KeyRing KeyRing;

    /// <summary>The object's OID (meaningless while free).</summary>
    [FieldOffset(8)]
    public Oid Oid;

    /// <summary>Physical address of the frame's body: a 4 KiB page, or a <see cref="Node"/>. Set at initialization.</summary>
    [FieldOffset(16)]
    public ulong Body;

    /// <summary>
    /// The object's AllocCount, set when it is loaded (directory entry, tag entry or node pot) and
    /// copied to disk by the checkpoint. Only <see cref="Cache.Rescind"/> changes it while cached (up by
    /// one, on a dirty object, after its ring was unprepared).
    /// </summary>
    [FieldOffset(24)]
    public uint AllocCount;

    /// <summary>CRC of the content when loaded or last written (<see cref="Cache.ComputeCrc"/>); the checkpoint compares it for clean objects.</summary>
    [FieldOffset(28)]
    public uint Crc;

    /// <summary>Next header in the same hash chain: its index + 1, or 0 at the end.</summary>
    [FieldOffset(32)]
    public uint HashNext;

    /// <summary>This header's index in the table (page frames first).</summary>
    [FieldOffset(36)]
    public uint Index;

    /// <summary>What the frame holds now: None (free), Page or Node.</summary>
    [FieldOffset(40)]
    public ObType ObType;

    /// <summary>Dirty, Referenced, CheckpointPending; Reading on a free frame reserved for a read (Cache I12).</summary>
    [FieldOffset(41)]
    public ObjectFlags Flags;

    /// <summary>Pins held; a pinned object is never evicted.</summary>
    [FieldOffset(42)]
    public ushort PinCount;

    /// <summary>While CheckpointPending: the snapshot's record index + 1 (set by Cache.Freeze, read by Snapshot); 0 otherwise.</summary>
    [FieldOffset(44)]
    public uint Reserved;

    public readonly bool IsFree => ObType == ObType.None;

    /// <summary>Free but reserved for an object whose read is in flight (Cache I12): never handed out or evicted.</summary>
    public readonly bool IsReserved => ObType == ObType.None && (Flags & ObjectFlags.Reading) != 0;

    public readonly bool IsDirty => (Flags & ObjectFlags.Dirty) != 0;

    public readonly bool IsPinned => PinCount != 0;

    /// <summary>Part of a snapshot not yet committed (Cache.Pending.cs): never evicted, written through copy-on-write.</summary>
    public readonly bool IsPending => (Flags & ObjectFlags.CheckpointPending) != 0;
}
