using System.Runtime.InteropServices;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The range key: authority over the OIDs [first, first + count), the primitive a space bank is built on
/// (EROS range key; KeyKOS "range key"; docs/invocation.md "Range key"). It makes page and node keys to the
/// objects of its range, tells their type and AllocCount, makes keys to sub-ranges, and rescinds: a new
/// incarnation of an object (AllocCount + 1, content zero), so every key to the old one reads void.
/// Orders: <see cref="RangeOrder"/>; the prime range key (<see cref="PrimeRangeKey"/>) shares this code.
/// </summary>
/// <remarks>
/// I1 Every object order checks the offset against the range before anything is faulted in.
/// I2 Rescind, before its commit point, dirties the object and the root and annex of every loaded process that
///    pins it (ProcessTable.NextHolder); after it: those processes are evicted (ProcessTable I8: a process made of
///    a rescinded object stops), every hardware mapping built through keys to the object goes
///    (AddressSpaces.ObjectLeaving), the count goes up (Cache.Rescind; for a node the CallCount too, so resume
///    keys to the old incarnation are void), the content becomes zero. Tested by RangeKeyTests.
/// </remarks>
public static unsafe class RangeKey
{
    public static DispatchOutcome Invoke(Invocation* invocation) =>
        InvokeOver(invocation, invocation->Key->Oid.Value, invocation->Key->AllocCount);

    /// <summary>The orders of a range over [<paramref name="first"/>, + <paramref name="span"/>) (the prime range: 0, 2^64 - 1).</summary>
    internal static DispatchOutcome InvokeOver(Invocation* invocation, ulong first, ulong span)
    {
        InvocationArguments* arguments = &invocation->Arguments;
        switch (arguments->Order)
        {
            case RangeOrder.Describe:
                invocation->Reply.W1 = span;
                return invocation->Answer(first);
            case RangeOrder.MakeSubRange:
                return SubRange(invocation, first, span, arguments->W0, arguments->W1);
            case RangeOrder.Identify:
                return Identify(invocation, first, span);
            case RangeOrder.MakePageKey:
            case RangeOrder.MakeNodeKey:
            case RangeOrder.Query:
            case RangeOrder.Rescind:
                if (arguments->W0 >= span)
                {
                    return invocation->Answer(InvocationResult.RequestError); // I1
                }

                return ObjectOrder(invocation, new Oid(first + arguments->W0));
            default:
                return invocation->Answer(InvocationResult.UnknownOrder);
        }
    }

    private static DispatchOutcome SubRange(Invocation* invocation, ulong first, ulong span, ulong offset, ulong count)
    {
        if (count == 0 || count > uint.MaxValue || offset >= span || count > span - offset)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        invocation->SetReplyKey(0, Key.Range(KeyType.Range, new Oid(first + offset), (uint)count));
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>Sent key 0's offset, type and AllocCount when it is a live page or node key into this range (I1: nothing faulted in first).</summary>
    private static DispatchOutcome Identify(Invocation* invocation, ulong first, ulong span)
    {
        Key* key = invocation->SentKey(0); // null when missing, void or rescinded
        if (key == null || (key->Type != KeyType.Page && key->Type != KeyType.Node)
            || Cache.PrepareKey(key, out ObjectHeader* target) != CacheResult.Ok || target == null)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        ulong oid = target->Oid.Value;
        if (oid < first || oid - first >= span)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        invocation->Reply.W1 = (ulong)target->ObType;
        invocation->Reply.W2 = target->AllocCount;
        return invocation->Answer(oid - first);
    }

    private static DispatchOutcome ObjectOrder(Invocation* invocation, Oid oid)
    {
        ObType kind = KindOf(oid);
        if (kind == ObType.None)
        {
            return invocation->Answer(InvocationResult.RequestError); // in no object range of the volume
        }

        uint order = invocation->Arguments.Order;
        if ((order == RangeOrder.MakePageKey && kind != ObType.Page) || (order == RangeOrder.MakeNodeKey && kind != ObType.Node))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        CacheResult result = Cache.Get(kind, oid, out ObjectHeader* frame);
        if (result != CacheResult.Ok)
        {
            return Unavailable(invocation, result);
        }

        switch (order)
        {
            case RangeOrder.Query:
                invocation->Reply.W1 = frame->AllocCount;
                return invocation->Answer((ulong)kind);
            case RangeOrder.Rescind:
                return Rescind(invocation, frame);
            default:
                KeyType type = kind == ObType.Page ? KeyType.Page : KeyType.Node;
                invocation->SetReplyKey(0, Key.Object(type, oid, frame->AllocCount, KeyRights.None, 0));
                return invocation->Answer(frame->AllocCount);
        }
    }

    /// <summary>Rescind (I2). Nothing before the commit point is visible; nothing after it fails.</summary>
    private static DispatchOutcome Rescind(Invocation* invocation, ObjectHeader* frame)
    {
        for (ProcessEntry* holder = ProcessTable.NextHolder(frame, null); holder != null; holder = ProcessTable.NextHolder(frame, holder))
        {
            if (!invocation->TryDirty(holder->RootFrame) || !invocation->TryDirty(holder->AnnexFrame))
            {
                return invocation->Stalled();
            }
        }

        if (!invocation->TryDirty(frame))
        {
            return invocation->Stalled();
        }

        // Commit point: nothing below fails.
        bool invokerEvicted = false;
        for (ProcessEntry* holder = ProcessTable.NextHolder(frame, null); holder != null; holder = ProcessTable.NextHolder(frame, null))
        {
            invokerEvicted |= holder == invocation->Invoker;
            ProcessTable.Evict(holder);
        }

        AddressSpaces.ObjectLeaving(frame);
        Diagnostics.Panic.Assert(Cache.Rescind(frame), "RangeKey.Rescind: object not dirty");
        if (frame->ObType == ObType.Node)
        {
            Cache.BumpCallCount(frame);
            for (int slot = 0; slot < Node.SlotCount; slot++)
            {
                KeySlots.Write(frame, slot, null);
            }
        }
        else
        {
            NativeMemory.Clear(Cache.PageData(frame), Cache.PageSize);
        }

        invocation->Answer(frame->AllocCount);
        return invokerEvicted ? DispatchOutcome.InvokerEnded : DispatchOutcome.Reply;
    }

    /// <summary>Page or Node by the volume's object ranges; None when no object range holds <paramref name="oid"/>.</summary>
    private static ObType KindOf(Oid oid)
    {
        if (oid.IsNull || Store.Volume == null || VolumeLayout.Locate(Store.Volume, oid, out ObjectLocation location) != FormatError.None)
        {
            return ObType.None;
        }

        return location.Kind == RangeKind.PageRange ? ObType.Page : ObType.Node;
    }

    /// <summary>An object fault that did not succeed: a full cache waits for the checkpoint; anything else is named.</summary>
    private static DispatchOutcome Unavailable(Invocation* invocation, CacheResult result)
    {
        if (result == CacheResult.CacheFullOfDirty)
        {
            invocation->StallReason = StallReason.Checkpoint;
            return invocation->Stalled();
        }

        return invocation->Answer(result == CacheResult.WrongObjectKind || result == CacheResult.UnknownOid
            ? InvocationResult.RequestError : InvocationResult.ObjectUnavailable);
    }
}
