namespace CapOS.Kernel.NodeTree;

/// <summary>
/// Every key type of EROS (KEYDEFS) that CapOS implements or reserves, one byte
/// at key offset 12 (docs/keys.md "Types").
/// </summary>
/// <remarks>
/// Ordered in classes so that a class test is one comparison (see <see cref="KeyTypes"/>):
/// gate keys, then the other object keys (all name an object by OID and
/// AllocCount and can be prepared), then the number-like keys (payload is data,
/// never prepared), then the miscellaneous kernel keys. Values are on disk:
/// never renumber, only append inside a class's reserved gap.
/// Standalone: imagegen links this file beside kernel/DiskFormat.
/// </remarks>
public enum KeyType : byte
{
    /// <summary>The null key: every invocation answers Void. All-zero bytes are a void key.</summary>
    Void = 0,

    // Gate keys: name a process root node.

    /// <summary>Entry to a process's service; key data = key info delivered to the receiver.</summary>
    Start = 1,

    /// <summary>One-shot reply key; its AllocCount field holds the root's CallCount (EROS).</summary>
    Resume = 2,

    // Object keys: name a node or a page by (OID, AllocCount).

    /// <summary>A page; rights: read-only.</summary>
    Page = 8,

    /// <summary>A node; rights: read-only, weak, opaque.</summary>
    Node = 9,

    /// <summary>A node seen as an address space; key data low 8 bits = height (EROS blss).</summary>
    Segment = 10,

    /// <summary>A process root node: full control of the process.</summary>
    Process = 11,

    /// <summary>A node seen as a segment wrapper (EROS "wrapper"; reserved, not yet implemented).</summary>
    Wrapper = 12,

    // Number-like keys: the payload is data (never prepared).

    /// <summary>96 bits of data, payload words 0..2.</summary>
    Number = 32,

    /// <summary>Authority over the OIDs [OID, OID + count): payload = first OID (u64) + count (u32).</summary>
    Range = 33,

    /// <summary>The range key over every OID of the volume (EROS prime range).</summary>
    PrimeRange = 34,

    /// <summary>Authority over a physical address range (EROS physical range; reserved for drivers).</summary>
    PhysicalRange = 35,

    /// <summary>A device access key; key data = device class (EROS device key; reserved).</summary>
    Device = 36,

    /// <summary>A scheduling class; key data = priority (EROS sched key).</summary>
    Sched = 37,

    // Miscellaneous kernel keys: no payload; key data may select a variant.

    /// <summary>The kernel console (serial output).</summary>
    Console = 64,

    /// <summary>Sleep for a duration; after a restart a sleeper is told "restart" (CapROS).</summary>
    Sleep = 65,

    /// <summary>Request a checkpoint now, read the checkpoint state.</summary>
    Checkpoint = 66,

    /// <summary>Classify a key (void, number, resume, memory, sched, other) and answer "is it discreet?".</summary>
    Discrim = 67,

    /// <summary>Reveal the bits of a key (EROS keybits).</summary>
    KeyBits = 68,

    /// <summary>Compare process identities, make process keys from start keys with a matching brand (EROS process tool).</summary>
    ProcessTool = 69,

    /// <summary>Make sched keys (EROS sched creator; reserved).</summary>
    SchedCreator = 70,

    /// <summary>Kernel tracing (EROS systrace; reserved).</summary>
    SysTrace = 71,

    /// <summary>Device privileges: interrupts and I/O space for drivers (EROS; reserved).</summary>
    DevicePrivileges = 72,
}
