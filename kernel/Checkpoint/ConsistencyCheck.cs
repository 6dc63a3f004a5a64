using System.Runtime.CompilerServices;
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

    /// <summary>C6: a loaded process disagrees with its nodes (docs/process.md "Consistency check").</summary>
    ProcessInconsistent = 6,

    /// <summary>C7: a hardware mapping allows writes to a page that is clean or frozen by a snapshot (process P5).</summary>
    WritableMapping = 7,
}

/// <summary>
/// The consistency check of every checkpoint (EROS SOSP'99 §3.5 "the checkpoint verifies the
/// consistency of the kernel's data structures"; issue #4 item 1; docs/checkpoint.md "Consistency check").
/// </summary>
/// <remarks>
/// Two parts. The structural check (<see cref="RunStructural"/>: C1, C3, C4, C5 over every cached object
/// (the used-frame bitmap, Cache I11), C6 over every loaded process, C7 over the writable-mapping list,
/// docs/process.md P5) runs inside the snapshot pause, first violation wins.
/// The clean check (C2: a clean object's content still has the CRC taken at load or last commit) runs
/// after the pause, during stabilization and before the commit: <see cref="BeginClean"/> at the
/// snapshot, then <see cref="AdvanceClean"/> from the pump, a bounded number of objects per call, in
/// table order; the Checkpointer holds the writer's commit until it is done and aborts the checkpoint
/// when it fails. Why this finds the same corruption: a clean frame can change legitimately only after
/// MarkDirty (then it is dirty or pending and skipped); so a clean frame whose CRC differs when the
/// cursor reaches it was changed behind the cache's back, whether before or after the pause.
/// I1: the commit of a checkpoint happens only after a clean pass over every frame that was cached
/// at its snapshot and stayed clean until the cursor passed it (CheckpointerTests /
/// ConsistencyCheckTests.CleanFrameCorruptedDuringStabilizationBlocksTheCommit).
/// A failure means the kernel corrupted its own state: nothing is committed and checkpointing stops
/// (Checkpointer), so the last good checkpoint stays the recovery point.
/// </remarks>
public static unsafe class ConsistencyCheck
{
    /// <summary>Objects the clean check CRCs per <see cref="AdvanceClean"/> call (bounded work per pump).</summary>
    public const uint CleanObjectsPerStep = 8;

    /// <summary>Objects the pass checks structurally (C1, C3, C4, C5) per CRC it may take instead (a CRC of a page costs about as much).</summary>
    public const uint StructuralPerClean = 64;

    private static CheckFailure s_failure;
    private static Oid s_oid;
    private static ObjectHeader* s_cursor;
    private static bool s_cleanRunning;
    private static uint s_cleanChecked;

    /// <summary>The invariant broken at the last check (None: sound).</summary>
    public static CheckFailure Failure => s_failure;

    /// <summary>The object it was found on.</summary>
    public static Oid FailedOid => s_oid;

    /// <summary>True from <see cref="BeginClean"/> until the clean pass ended (done or failed).</summary>
    public static bool CleanRunning => s_cleanRunning;

    /// <summary>Clean objects whose CRC the current or last clean pass compared.</summary>
    public static uint CleanChecked => s_cleanChecked;

    /// <summary>The whole check at once (structural, then clean); returns the first broken invariant.</summary>
    public static CheckFailure Run()
    {
        if (RunStructural() != CheckFailure.None)
        {
            return s_failure;
        }

        BeginClean();
        while (AdvanceClean(uint.MaxValue))
        {
        }

        return s_failure;
    }

    /// <summary>
    /// Everything structural at once: C1, C3, C4, C5 over every cached object, then C6 over every loaded process,
    /// C7 over the writable mappings; the first broken invariant (tests, <see cref="Run"/>).
    /// </summary>
    public static CheckFailure RunStructural()
    {
        s_failure = CheckFailure.None;
        s_oid = default;
        s_cleanRunning = false;
        uint words = Cache.BitmapWords;
        for (uint word = 0; word < words && s_failure == CheckFailure.None; word++)
        {
            ulong bits = Cache.UsedWord(word);
            if (bits != 0)
            {
                CheckWord(bits, word << 6);
            }
        }

        return s_failure == CheckFailure.None ? CheckBounded() : s_failure;
    }

    /// <summary>
    /// The pause's part (I2): C6 over every loaded process and C7 over the writable-mapping list, both bounded by
    /// fixed tables (the process table, the list's capacity), never by the cache or the dirty set. The objects
    /// are checked after the pause: those of the snapshot as they are recorded (<see cref="CheckRecorded"/>),
    /// every cached one by the pass (<see cref="AdvanceClean"/>).
    /// </summary>
    public static CheckFailure RunInPause()
    {
        s_failure = CheckFailure.None;
        s_oid = default;
        s_cleanRunning = false;
        return CheckBounded();
    }

    private static CheckFailure CheckBounded()
    {
        Oid process = Process.ProcessTable.Check();
        if (!process.IsNull)
        {
            s_failure = CheckFailure.ProcessInconsistent;
            s_oid = process;
            return s_failure;
        }

        if (!Process.AddressSpaces.CheckWritableMappings(out ObjectHeader* page))
        {
            s_failure = CheckFailure.WritableMapping;
            s_oid = page != null ? page->Oid : default;
        }

        return s_failure;
    }

    /// <summary>
    /// C1, C3 (charged in the generation the snapshot closed), C4, C5 for an object of the snapshot as it is
    /// recorded, before anything changed it since the pause: the state the checkpoint will write. The first
    /// failure is kept (the Checkpointer reports it and stops once the build step sees it).
    /// </summary>
    public static void CheckRecorded(ObjectHeader* frame)
    {
        if (s_failure != CheckFailure.None)
        {
            return;
        }

        CheckFailure failure = CheckObject(frame, closed: true);
        if (failure != CheckFailure.None)
        {
            s_failure = failure;
            s_oid = frame->Oid;
        }
    }

    /// <summary>Checks the objects whose bits are set in <paramref name="bits"/> (used map, frame <paramref name="index"/> first).</summary>
    private static void CheckWord(ulong bits, uint index)
    {
        while (bits != 0)
        {
            if ((bits & 0xFF) == 0)
            {
                bits >>= 8;
                index += 8;
                continue;
            }

            if ((bits & 1) != 0)
            {
                ObjectHeader* frame = Cache.HeaderAt(index);
                CheckFailure failure = CheckObject(frame, closed: false);
                if (failure != CheckFailure.None)
                {
                    s_failure = failure;
                    s_oid = frame->Oid;
                    return;
                }
            }

            bits >>= 1;
            index++;
        }
    }

    /// <summary>Starts the clean check (C2) from the first frame.</summary>
    public static void BeginClean()
    {
        s_cursor = null;
        s_cleanChecked = 0;
        s_cleanRunning = s_failure == CheckFailure.None;
    }

    /// <summary>Stops a clean pass without a verdict (the checkpoint failed for another reason).</summary>
    public static void CancelClean() => s_cleanRunning = false;

    /// <summary>
    /// CRCs up to <paramref name="objects"/> more clean, not pending objects. True while more remain;
    /// false when the pass ended: <see cref="Failure"/> None (sound) or CleanChanged (on <see cref="FailedOid"/>).
    /// </summary>
    public static bool AdvanceClean(uint objects)
    {
        uint done = 0;
        uint structural = 0;
        while (s_cleanRunning && done < objects)
        {
            s_cursor = Cache.NextUsed(s_cursor);
            if (s_cursor == null)
            {
                s_cleanRunning = false;
            }
            else if (CheckObject(s_cursor, closed: false) is CheckFailure failure && failure != CheckFailure.None)
            {
                s_failure = failure;
                s_oid = s_cursor->Oid;
                s_cleanRunning = false;
            }
            else if (!s_cursor->IsDirty && !s_cursor->IsPending)
            {
                done++;
                s_cleanChecked++;
                if (Cache.ComputeCrc(s_cursor) != s_cursor->Crc)
                {
                    s_failure = CheckFailure.CleanChanged;
                    s_oid = s_cursor->Oid;
                    s_cleanRunning = false;
                }
            }
            else if (++structural == StructuralPerClean)
            {
                structural = 0;
                done++;
            }
        }

        return s_cleanRunning;
    }

    /// <summary>C1, C3, C4, C5 for one object, in that order of precedence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CheckFailure CheckObject(ObjectHeader* frame, bool closed)
    {
        if (!Cache.HoldsOwnObject(frame))
        {
            return CheckFailure.WrongType;
        }

        if (closed ? !Reservation.WasCharged(frame) : Cache.IsDirtyNow(frame) && !Reservation.IsCharged(frame))
        {
            return CheckFailure.NotReserved;
        }

        bool illegal = false;
        uint violations = Cache.CheckRingQuick(frame);
        if (frame->ObType == ObType.Node)
        {
            violations += Cache.CheckNodeSlots(frame, out illegal);
        }

        if (violations != 0)
        {
            return CheckFailure.BadRing;
        }

        return illegal ? CheckFailure.IllegalKey : CheckFailure.None;
    }

    /// <summary>Prints <c>checkpoint: check failed: &lt;invariant&gt; oid=0x..</c>.</summary>
    public static void Report()
    {
        Log.Write("checkpoint: check failed: ");
        Log.Write(Name(s_failure));
        Log.Write(" oid=");
        Log.WriteHexShort(s_oid.Value);
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
        CheckFailure.ProcessInconsistent => "C6 process disagrees with its nodes",
        CheckFailure.WritableMapping => "C7 writable mapping of a clean or frozen page",
        _ => "none",
    };
}
