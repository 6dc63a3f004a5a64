namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Rescind: a new incarnation of an object (EROS "allocation count"; SOSP'99 §3.2; KeyKOS space bank
/// destroy). Every key holding the old AllocCount designates nothing from now on: prepared keys are
/// unprepared first (they keep the old count), then the count goes up, so <see cref="PrepareKey"/> finds
/// them void. The content is the caller's to reset. Tests: CacheKeysTests.RescindMakesOldKeysVoid.
/// </summary>
public static unsafe partial class Cache
{
    /// <summary>
    /// Bumps the AllocCount of <paramref name="frame"/>, which the caller has dirtied (MarkDirty: the new
    /// count is written by the next checkpoint). False, changing nothing, when it is not dirty.
    /// </summary>
    public static bool Rescind(ObjectHeader* frame)
    {
        if (frame->IsFree || !IsDirtyNow(frame))
        {
            return false;
        }

        UnprepareRing(frame);
        frame->AllocCount++;
        return true;
    }

    /// <summary>
    /// Consumes every resume key to the process root <paramref name="frame"/> (EROS: one reply per call), which
    /// the caller has dirtied: prepared keys are unprepared (they keep the old CallCount), then the CallCount goes
    /// up, so every copy of a resume key made before reads as void. False, changing nothing, when it is not dirty.
    /// </summary>
    public static bool BumpCallCount(ObjectHeader* frame)
    {
        if (frame->IsFree || !IsDirtyNow(frame) || frame->ObType != NodeTree.ObType.Node)
        {
            return false;
        }

        BumpCallCountOfDirtyNode(frame);
        return true;
    }

    /// <summary><see cref="BumpCallCount"/> where the caller has checked that <paramref name="frame"/> is a cached node, dirty now (the IPC fast path).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void BumpCallCountOfDirtyNode(ObjectHeader* frame)
    {
        UnprepareRing(frame);
        NodeBody(frame)->CallCount++;
    }
}
