using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// One invocation of a kernel key as its handler sees it (docs/invocation.md "Kernel keys"): the invoker, its
/// decoded arguments, the invoked key and what it designates, and the reply being built. A handler validates
/// everything first, dirties what it will change (<see cref="TryDirty"/>: a refusal stalls the invoker with no
/// visible effect), then passes its commit point and mutates; nothing after the commit point may fail (STYLE.md).
/// </summary>
/// <remarks>
/// I1 Reply keys are staged unprepared (<see cref="SetReplyKey"/>) and written into the invoker's receive key
///    registers by the dispatcher after the handler returned Reply; a stalled or failed invocation writes none.
/// I2 <see cref="Key"/> is null for a void key (register 0, an empty register, a rescinded key, P1).
/// </remarks>
public unsafe struct Invocation
{
    /// <summary>Keys one message carries (EROS: four).</summary>
    public const int MaxKeys = 4;

    /// <summary>The invoking process (loaded, its context saved).</summary>
    public ProcessEntry* Invoker;

    /// <summary>The decoded arguments (validated: registers in range).</summary>
    public InvocationArguments Arguments;

    /// <summary>The invoked key register's key, prepared; null when void (I2).</summary>
    public Key* Key;

    /// <summary>The object the invoked key designates (object keys), else null.</summary>
    public ObjectHeader* Target;

    /// <summary>The reply being built.</summary>
    public InvocationReply Reply;

    /// <summary>Why the invocation stalls, when the handler returned <see cref="DispatchOutcome.Stalled"/>.</summary>
    public StallReason StallReason;

    /// <summary>Bit i set: reply key i is staged.</summary>
    public byte ReplyKeyMask;

    private fixed byte _replyKeys[MaxKeys * 16];

    /// <summary>The key the invoker sends in position <paramref name="index"/> (0..3), prepared; null when void.</summary>
    public readonly Key* SentKey(int index) => Prepared(Invoker->KeyRegister(Arguments.SendKeys[index]));

    /// <summary>Stages <paramref name="key"/> as reply key <paramref name="index"/> (an unprepared copy: I1).</summary>
    public void SetReplyKey(int index, Key* key)
    {
        Key copy = default;
        if (key != null)
        {
            Cache.DiskForm(key, &copy);
        }

        fixed (byte* keys = _replyKeys)
        {
            ((Key*)keys)[index] = copy;
        }

        ReplyKeyMask |= (byte)(1 << index);
    }

    /// <summary>Stages a key made by the handler (already in disk form) as reply key <paramref name="index"/>.</summary>
    public void SetReplyKey(int index, Key key) => SetReplyKey(index, &key);

    /// <summary>Staged reply key <paramref name="index"/> (void if none).</summary>
    public readonly Key ReplyKey(int index)
    {
        fixed (byte* keys = _replyKeys)
        {
            return (ReplyKeyMask & (1 << index)) != 0 ? ((Key*)keys)[index] : default;
        }
    }

    /// <summary>Replies <paramref name="result"/>; the handler's usual last line.</summary>
    public DispatchOutcome Answer(InvocationResult result)
    {
        Reply.Result = result;
        return DispatchOutcome.Reply;
    }

    /// <summary>Replies Ok with W0 = <paramref name="w0"/>.</summary>
    public DispatchOutcome Answer(ulong w0)
    {
        Reply.Result = InvocationResult.Ok;
        Reply.W0 = w0;
        return DispatchOutcome.Reply;
    }

    /// <summary>
    /// Dirties <paramref name="frame"/> before the commit point (dirtying is invisible). False when the cache
    /// refused: <see cref="StallReason"/> says on which queue to wait; the handler returns <see cref="DispatchOutcome.Stalled"/>.
    /// </summary>
    public bool TryDirty(ObjectHeader* frame)
    {
        if (Cache.MarkDirty(frame))
        {
            return true;
        }

        StallReason = Cache.LastRefusal == DirtyRefusal.ImageInFlight ? StallReason.ImageWrite : StallReason.LogSpace;
        return false;
    }

    /// <summary>
    /// Runs <paramref name="order"/> with the invoked key's object pinned: an object key's handler that prepares a sent
    /// key or copies a string may fault other objects in, and that must not evict the object it works on.
    /// </summary>
    public static DispatchOutcome WithTargetPinned(Invocation* invocation, delegate*<Invocation*, DispatchOutcome> order)
    {
        Cache.Pin(invocation->Target);
        DispatchOutcome outcome = order(invocation);
        Cache.Unpin(invocation->Target);
        return outcome;
    }

    /// <summary>The object a prepared object key designates (a key <see cref="Prepared"/> or <see cref="SentKey"/> returned).</summary>
    public static ObjectHeader* ObjectOf(Key* prepared) => (ObjectHeader*)KernelReference.ToPointer(prepared->ObjectReference);

    /// <summary>The disk form of <paramref name="key"/> (unprepared, no memory-only bits); void when null.</summary>
    public static Key DiskForm(Key* key)
    {
        Key disk = default;
        if (key != null)
        {
            Cache.DiskForm(key, &disk);
        }

        return disk;
    }

    /// <summary>The handler's answer after <see cref="TryDirty"/> refused, or a stall reason it set itself.</summary>
    public readonly DispatchOutcome Stalled() => DispatchOutcome.Stalled;

    /// <summary>Prepares <paramref name="key"/> in place; null when it is void or designates nothing now (rescinded).</summary>
    public static Key* Prepared(Key* key)
    {
        if (key == null || key->Type == KeyType.Void)
        {
            return null;
        }

        if (!KeyTypes.IsObject(key->Type))
        {
            return key;
        }

        return Cache.PrepareKey(key, out ObjectHeader* target) == CacheResult.Ok && target != null ? key : null;
    }
}
