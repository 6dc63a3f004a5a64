using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>Loading a process from its nodes (docs/process.md "Theory of operation", Loading).</summary>
public static unsafe partial class ProcessTable
{
    private static CacheResult s_lastCacheResult;
    private static int s_lastIllegalSlot;

    /// <summary>The object cache's answer when the last load failed with <see cref="LoadResult.ObjectFault"/>.</summary>
    public static CacheResult LastCacheResult => s_lastCacheResult;

    /// <summary>The root slot that made the last load <see cref="LoadResult.Malformed"/>.</summary>
    public static int LastIllegalSlot => s_lastIllegalSlot;

    /// <summary>The loaded entry of process root <paramref name="root"/>, or null.</summary>
    public static ProcessEntry* Find(Oid root)
    {
        ObjectHeader* frame = Cache.Lookup(root);
        return frame == null ? null : FindByRoot(frame); // a loaded process's root is pinned, hence cached
    }

    /// <summary>
    /// Loads the process whose root node is <paramref name="root"/> (AllocCount <paramref name="allocCount"/>):
    /// faults in the root, checks its slots (ProcessCheck), faults in the key registers node and the register
    /// annex page, pins all three (P2), keeps log room for its write-back (Reservation I3) and copies the
    /// registers in. On any failure nothing stays pinned or charged and no entry is used. Object faults are taken
    /// by <paramref name="mode"/>: loading on behalf of a process (a key to it prepared during an invocation, the
    /// background retry of a deferred restart) is Asynchronous, and ObjectFault with <see cref="LastCacheResult"/>
    /// Pending means "the read is in flight": stall the invoker on it (Stall.OnObject) or retry later; the boot-time
    /// restart is Synchronous (nothing else runs yet, and processes get their Pids in restart-list order).
    /// </summary>
    public static LoadResult Load(Oid root, uint allocCount, FaultMode mode, out ProcessEntry* entry)
    {
        entry = Find(root);
        if (entry != null)
        {
            return entry->RootFrame->AllocCount == allocCount ? LoadResult.Ok : LoadResult.Rescinded;
        }

        ProcessEntry* free = Allocate();
        if (free == null)
        {
            return LoadResult.TableFull;
        }

        LoadResult result = LoadParts(free, root, allocCount, mode);
        if (result != LoadResult.Ok)
        {
            ReleaseParts(free);
            free->Flags = ProcessFlags.None;
            return result;
        }

        free->Root = root;
        free->Flags = ProcessFlags.Loaded;
        IndexAdd(free);
        Node* body = Cache.NodeBody(free->RootFrame);
        Key* state = Node.Slot(body, ProcessRoot.State);
        free->State = (RunState)state->Word(0);
        free->FaultCode = state->Word(1);
        Key* info = Node.Slot(body, ProcessRoot.FaultInfo);
        free->FaultInfo = info->Type == KeyType.Number ? info->Word(0) | ((ulong)info->Word(1) << 32) : 0;
        UserMode.LoadRegisters(free, Cache.PageData(free->AnnexFrame));
        entry = free;
        return LoadResult.Ok;
    }

    private static LoadResult LoadParts(ProcessEntry* entry, Oid root, uint allocCount, FaultMode mode)
    {
        s_lastCacheResult = Cache.Get(ObType.Node, root, mode, out ObjectHeader* rootFrame);
        if (s_lastCacheResult != CacheResult.Ok)
        {
            return LoadResult.ObjectFault;
        }

        if (rootFrame->AllocCount != allocCount)
        {
            return LoadResult.Rescinded;
        }

        Cache.Pin(rootFrame);
        entry->RootFrame = rootFrame;
        Node* body = Cache.NodeBody(rootFrame);
        s_lastIllegalSlot = ProcessCheck.FirstIllegalSlot(body);
        RunState state = (RunState)Node.Slot(body, ProcessRoot.State)->Word(0);
        if (s_lastIllegalSlot == ProcessCheck.NoIllegalSlot && (state == RunState.None || state > RunState.Waiting))
        {
            s_lastIllegalSlot = ProcessRoot.State;
        }

        if (s_lastIllegalSlot != ProcessCheck.NoIllegalSlot)
        {
            return LoadResult.Malformed;
        }

        LoadResult part = PreparePart(body, ProcessRoot.KeyRegisters, mode, out entry->KeyRegistersFrame);
        if (part == LoadResult.Ok)
        {
            entry->KeyRegistersBody = Cache.NodeBody(entry->KeyRegistersFrame);
            part = PreparePart(body, ProcessRoot.RegisterAnnex, mode, out entry->AnnexFrame);
        }

        if (part != LoadResult.Ok)
        {
            return part;
        }

        if (!Reservation.TryAddWriteBackHeadroom())
        {
            return LoadResult.NoLogSpace;
        }

        entry->Flags |= ProcessFlags.Loaded; // headroom held: ReleaseParts gives it back on failure
        return LoadResult.Ok;
    }

    /// <summary>Prepares root slot <paramref name="slot"/> and pins what it designates.</summary>
    private static LoadResult PreparePart(Node* body, int slot, FaultMode mode, out ObjectHeader* frame)
    {
        s_lastCacheResult = Cache.PrepareKey(Node.Slot(body, slot), mode, out frame);
        if (s_lastCacheResult != CacheResult.Ok)
        {
            frame = null;
            return LoadResult.ObjectFault;
        }

        if (frame == null)
        {
            s_lastIllegalSlot = slot; // a rescinded key registers node or annex page
            return LoadResult.Malformed;
        }

        Cache.Pin(frame);
        return LoadResult.Ok;
    }

    /// <summary>Drops the pins and the write-back room of <paramref name="entry"/> (after write-back, or a failed load).</summary>
    private static void ReleaseParts(ProcessEntry* entry)
    {
        if ((entry->Flags & ProcessFlags.Loaded) != 0)
        {
            Reservation.RemoveWriteBackHeadroom();
        }

        Unpin(ref entry->AnnexFrame);
        Unpin(ref entry->KeyRegistersFrame);
        entry->KeyRegistersBody = null;
        Unpin(ref entry->RootFrame);
    }

    private static void Unpin(ref ObjectHeader* frame)
    {
        if (frame != null)
        {
            Cache.Unpin(frame);
            frame = null;
        }
    }
}
