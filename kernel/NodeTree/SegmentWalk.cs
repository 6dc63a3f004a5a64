using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.NodeTree;

/// <summary>What a segment walk found (docs/process.md "Page faults").</summary>
public enum WalkOutcome : byte
{
    /// <summary>A page: <see cref="SegmentWalk.Result.Page"/>, writable if no read-only key was on the path.</summary>
    Success = 0,

    /// <summary>Void or malformed slot, a key whose AllocCount no longer matches, or an address beyond the segment.</summary>
    InvalidAddress = 1,

    /// <summary>A write under a read-only (or weak) key.</summary>
    AccessFault = 2,

    /// <summary>An object on the path is not in memory now (Cause: Pending, its read is in flight; CacheFullOfDirty; or a failed read, damage).</summary>
    ObjectUnavailable = 3,
}

/// <summary>
/// The segment walk: from an address-space key down a tree of segment nodes to a page, one node per 5
/// bits of the address, accumulating rights (EROS SOSP'99 §4.2 "address translation"; docs/process.md
/// "Definitions", "Page faults").
/// </summary>
/// <remarks>
/// A segment key of height h (EROS blss, KeyData low byte, 1..<see cref="MaxHeight"/>) names a node whose
/// 32 slots each cover 2^(12+5(h-1)) bytes; the segment covers 2^(12+5h) bytes from its base. A slot holds
/// a segment key of a lower height (its subtree covers the low end of the slot's span, the rest is
/// invalid), a page key (the first page of the slot's span), or anything else (invalid). A page key as
/// the whole address space covers the page at address 0. Rights: a read-only key anywhere on the path
/// makes the page read-only; a weak segment key makes everything fetched through it weak, hence
/// read-only (EROS); no-call is accumulated for keepers.
/// Every key on the path is prepared (Cache.PrepareKey: AllocCount checked, linked on its object's ring:
/// the mapping layer finds mappings to an evicted object through that ring), and every object on the path
/// is pinned until <see cref="Release"/>, so a later object fault of the same walk cannot evict it.
/// I1: a walk descends strictly in height, so it ends after at most MaxHeight nodes
/// (SegmentWalkTests.ASlotNamingAnEqualOrHigherSegmentIsMalformed).
/// </remarks>
public static unsafe class SegmentWalk
{
    /// <summary>The largest segment height (span 2^62).</summary>
    public const int MaxHeight = 10;

    /// <summary>Slots per node and index bits per node.</summary>
    public const int SlotBits = 5;

    /// <summary>
    /// Segment key data bit: the node is a red segment (EROS): its slot <see cref="KeeperSlot"/> holds the
    /// segment keeper's start key instead of a subtree, so addresses in that slot's span are invalid, and the
    /// faults the walk finds under it go to that keeper (docs/invocation.md "Segment keepers").
    /// </summary>
    public const ushort KeeperFlag = 0x100;

    /// <summary>The slot of a red segment node that holds its keeper.</summary>
    public const int KeeperSlot = 31;

    /// <summary>The walk's record: outcome, page, rights, and the nodes and slots it read.</summary>
    public struct Result
    {
        public WalkOutcome Outcome;

        /// <summary>For ObjectUnavailable: the cache's answer.</summary>
        public CacheResult Cause;

        /// <summary>For Success: the page (pinned until Release).</summary>
        public ObjectHeader* Page;

        /// <summary>Rights accumulated over the whole path (weak already turned into read-only).</summary>
        public KeyRights Rights;

        /// <summary>Nodes on the path (0 for a page key as the address space).</summary>
        public int StepCount;

        /// <summary>The innermost red segment node on the path whose key did not forbid calling its keeper (NoCall), or null.</summary>
        public ObjectHeader* Keeper;

        /// <summary>Address where <see cref="Keeper"/>'s segment begins.</summary>
        public ulong KeeperBase;

        /// <summary>The key data (height and keeper flag) <see cref="Keeper"/> was entered with.</summary>
        public ushort KeeperKeyData;

        private fixed ulong _nodes[MaxHeight];
        private fixed ulong _bases[MaxHeight];
        private fixed byte _heights[MaxHeight];
        private fixed byte _slots[MaxHeight];
        private fixed byte _rights[MaxHeight];
        private uint _redSteps;

        public readonly bool Writable => (Rights & KeyRights.ReadOnly) == 0;

        /// <summary>Node of step <paramref name="i"/> (pinned until Release).</summary>
        public readonly ObjectHeader* Node(int i) => (ObjectHeader*)_nodes[i];

        /// <summary>Address where the node of step <paramref name="i"/> begins.</summary>
        public readonly ulong Base(int i) => _bases[i];

        /// <summary>Height the node of step <paramref name="i"/> was entered with.</summary>
        public readonly int Height(int i) => _heights[i];

        /// <summary>The slot read in the node of step <paramref name="i"/>.</summary>
        public readonly int Slot(int i) => _slots[i];

        /// <summary>Rights accumulated down to and including the key naming the node of step <paramref name="i"/>.</summary>
        public readonly KeyRights RightsAt(int i) => (KeyRights)_rights[i];

        /// <summary>True when the node of step <paramref name="i"/> was entered through a red segment key (its slot 31 is the keeper's).</summary>
        public readonly bool RedAt(int i) => (_redSteps & (1u << i)) != 0;

        internal void MarkRed() => _redSteps |= 1u << (StepCount - 1);

        internal void Push(ObjectHeader* node, ulong nodeBase, int height, KeyRights rights)
        {
            _nodes[StepCount] = (ulong)node;
            _bases[StepCount] = nodeBase;
            _heights[StepCount] = (byte)height;
            _rights[StepCount] = (byte)rights;
            StepCount++;
        }

        internal void SetSlot(int slot) => _slots[StepCount - 1] = (byte)slot;
    }

    /// <summary>log2 of the span of a segment of height <paramref name="height"/>.</summary>
    public static int SpanBits(int height) => 12 + (SlotBits * height);

    /// <summary>
    /// Walks from <paramref name="spaceKey"/> (a key in a node slot: the address-space slot of a process
    /// root) to the page at <paramref name="address"/>. The outcome is AccessFault only when the walk
    /// found a page that a write (<paramref name="isWrite"/>) may not change. Object faults are taken by
    /// <paramref name="mode"/> (a page fault: Asynchronous, and Cause Pending means "stall on the read"). The
    /// caller must call <see cref="Release"/> on every result, whatever its outcome.
    /// </summary>
    public static void Walk(Key* spaceKey, ulong address, bool isWrite, FaultMode mode, out Result result)
    {
        result = default;
        result.Outcome = Descend(spaceKey, address, mode, ref result);
        if (result.Outcome == WalkOutcome.Success && isWrite && !result.Writable)
        {
            result.Outcome = WalkOutcome.AccessFault;
        }
    }

    /// <summary>Unpins what the walk pinned.</summary>
    public static void Release(ref Result result)
    {
        for (int i = 0; i < result.StepCount; i++)
        {
            Cache.Unpin(result.Node(i));
        }

        if (result.Page != null)
        {
            Cache.Unpin(result.Page);
        }

        result.StepCount = 0;
        result.Page = null;
    }

    private static WalkOutcome Descend(Key* key, ulong address, FaultMode mode, ref Result result)
    {
        KeyRights rights = KeyRights.None;
        ulong nodeBase = 0;
        int height = int.MaxValue;
        ulong relative = address;
        while (true)
        {
            if (key->Type == KeyType.Page)
            {
                result.Rights = rights | (key->Rights & KeyRights.ReadOnly);
                if (relative >= (1UL << 12))
                {
                    return WalkOutcome.InvalidAddress;
                }

                WalkOutcome found = Prepare(key, mode, ref result, out ObjectHeader* page);
                result.Page = page;
                return found;
            }

            int keyHeight = key->Height;
            if (key->Type != KeyType.Segment || keyHeight < 1 || keyHeight > MaxHeight || keyHeight >= height
                || relative >= (1UL << SpanBits(keyHeight)))
            {
                return WalkOutcome.InvalidAddress;
            }

            rights |= key->Rights;
            if ((rights & KeyRights.Weak) != 0)
            {
                rights |= KeyRights.ReadOnly;
            }

            WalkOutcome prepared = Prepare(key, mode, ref result, out ObjectHeader* node);
            if (prepared != WalkOutcome.Success)
            {
                return prepared;
            }

            height = keyHeight;
            result.Push(node, nodeBase, height, rights);
            int slotBits = SpanBits(height - 1);
            int slot = (int)(relative >> slotBits);
            if ((key->KeyData & KeeperFlag) != 0)
            {
                result.MarkRed();
                if ((rights & KeyRights.NoCall) == 0)
                {
                    result.Keeper = node;
                    result.KeeperBase = nodeBase;
                    result.KeeperKeyData = key->KeyData;
                }

                if (slot == KeeperSlot)
                {
                    return WalkOutcome.InvalidAddress; // the keeper's slot maps nothing
                }
            }

            result.SetSlot(slot);
            relative -= (ulong)slot << slotBits;
            nodeBase = address - relative;
            key = NodeTree.Node.Slot(Cache.NodeBody(node), slot);
        }
    }

    /// <summary>Prepares <paramref name="key"/> and pins its object; a key that designates nothing is an invalid address.</summary>
    private static WalkOutcome Prepare(Key* key, FaultMode mode, ref Result result, out ObjectHeader* target)
    {
        CacheResult cached = Cache.PrepareKey(key, mode, out target);
        if (cached == CacheResult.UnknownOid || cached == CacheResult.WrongObjectKind)
        {
            return WalkOutcome.InvalidAddress;
        }

        if (cached != CacheResult.Ok)
        {
            result.Cause = cached;
            return WalkOutcome.ObjectUnavailable;
        }

        if (target == null)
        {
            return WalkOutcome.InvalidAddress;
        }

        Cache.Pin(target);
        return WalkOutcome.Success;
    }
}
