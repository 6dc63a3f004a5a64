using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>Which invariant the consistency check found broken (docs/checkpoint.md "Consistency check").</summary>
public enum CheckFailure : byte
{
    None = 0,

    /// <summary>C1: a frame holds an object of the other kind, or is not in its OID's hash chain.</summary>
    WrongType = 1,

    /// <summary>C2: a clean object's content no longer matches the CRC taken at load or last write.</summary>
    CleanChanged = 2,

    /// <summary>C3: a dirty object has no log/directory reservation in the current generation.</summary>
    NotReserved = 3,

    /// <summary>C4: a key ring is broken or a prepared key names the wrong header or type (Cache I4).</summary>
    BadRing = 4,

    /// <summary>C5: a node slot holds a key of an undefined type.</summary>
    IllegalKey = 5,
}

/// <summary>
/// The consistency check run at every snapshot before anything is frozen (EROS SOSP'99 §3.5 "the
/// checkpoint verifies the consistency of the kernel's data structures"; issue #4 item 1).
/// </summary>
/// <remarks>
/// One pass over the cache's header table; each object is checked for C1..C5 in that order and the
/// first violation stops the pass and is kept with the object's OID. Cost: a CRC of every clean cached
/// page (C2), which dominates the snapshot pause when the cache holds many clean pages.
/// A failure means the kernel corrupted its own state: nothing is committed and checkpointing stops
/// (Checkpointer), so the last good checkpoint stays the recovery point.
/// </remarks>
public static unsafe class ConsistencyCheck
{
    private static CheckFailure s_failure;
    private static Oid s_oid;

    /// <summary>The invariant broken at the last <see cref="Run"/> (None: sound).</summary>
    public static CheckFailure Failure => s_failure;

    /// <summary>The object it was found on.</summary>
    public static Oid FailedOid => s_oid;

    /// <summary>Checks every cached object; returns the first broken invariant (None when sound).</summary>
    public static CheckFailure Run()
    {
        s_failure = CheckFailure.None;
        s_oid = default;
        uint total = Cache.PageFrameCount + Cache.NodeFrameCount;
        for (uint i = 0; i < total && s_failure == CheckFailure.None; i++)
        {
            ObjectHeader* frame = Cache.Header(i);
            if (!frame->IsFree)
            {
                s_failure = CheckObject(frame);
                s_oid = frame->Oid;
            }
        }

        return s_failure;
    }

    private static CheckFailure CheckObject(ObjectHeader* frame)
    {
        ObType kind = Cache.IsPageFrame(frame) ? ObType.Page : ObType.Node;
        if (frame->ObType != kind || Cache.Lookup(frame->Oid) != frame)
        {
            return CheckFailure.WrongType;
        }

        if (!frame->IsDirty && !frame->IsPending && Cache.ComputeCrc(frame) != frame->Crc)
        {
            return CheckFailure.CleanChanged;
        }

        if (frame->IsDirty && !Reservation.IsCharged(frame))
        {
            return CheckFailure.NotReserved;
        }

        if (Cache.CheckObjectRings(frame) != 0)
        {
            return CheckFailure.BadRing;
        }

        if (frame->ObType == ObType.Node)
        {
            Node* body = Cache.NodeBody(frame);
            for (int s = 0; s < Node.SlotCount; s++)
            {
                if (!KeyTypes.IsDefined(Node.Slot(body, s)->Type))
                {
                    return CheckFailure.IllegalKey;
                }
            }
        }

        return CheckFailure.None;
    }

    /// <summary>Prints <c>checkpoint: check failed: &lt;invariant&gt; oid=0x..</c>.</summary>
    public static void Report()
    {
        Log.Write("checkpoint: check failed: ");
        Log.Write(Name(s_failure));
        Log.Write(" oid=");
        int digits = 1;
        while (digits < 16 && (s_oid.Value >> (digits * 4)) != 0)
        {
            digits++;
        }

        Log.WriteHex(s_oid.Value, digits);
        Log.WriteLine();
    }

    /// <summary>The invariant's name as printed.</summary>
    public static string Name(CheckFailure failure) => failure switch
    {
        CheckFailure.WrongType => "C1 object of the wrong type",
        CheckFailure.CleanChanged => "C2 clean object changed",
        CheckFailure.NotReserved => "C3 dirty object without reservation",
        CheckFailure.BadRing => "C4 key ring",
        CheckFailure.IllegalKey => "C5 illegal key type in node",
        _ => "none",
    };
}
