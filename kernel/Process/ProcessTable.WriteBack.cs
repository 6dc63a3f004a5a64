using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// Write-back to the nodes, the restart list, and restart after recovery (docs/process.md P3, P4,
/// "Theory of operation").
/// </summary>
public static unsafe partial class ProcessTable
{
    /// <summary>
    /// Writes <paramref name="entry"/>'s changes back to its nodes: the registers to the annex page, run state
    /// and fault to root slots 8 and 9. Each object is dirtied first with the write-back reservation
    /// (Reservation I3); false, writing nothing more, if that was refused (which I3 rules out).
    /// </summary>
    public static bool WriteBack(ProcessEntry* entry)
    {
        if ((entry->Flags & ProcessFlags.Loaded) == 0)
        {
            return true;
        }

        if ((entry->Flags & ProcessFlags.ContextChanged) != 0)
        {
            if (!Cache.MarkDirtyForWriteBack(entry->AnnexFrame))
            {
                return false;
            }

            UserMode.SaveRegisters(entry, Cache.PageData(entry->AnnexFrame));
            entry->Flags &= ~ProcessFlags.ContextChanged;
        }

        if ((entry->Flags & ProcessFlags.StateChanged) != 0)
        {
            if (!Cache.MarkDirtyForWriteBack(entry->RootFrame))
            {
                return false;
            }

            Node* root = Cache.NodeBody(entry->RootFrame);
            AddressSpaces.SlotChanged(entry->RootFrame, ProcessRoot.State);
            AddressSpaces.SlotChanged(entry->RootFrame, ProcessRoot.FaultInfo);
            *Node.Slot(root, ProcessRoot.State) = Key.Number((uint)entry->State, entry->FaultCode, 0);
            *Node.Slot(root, ProcessRoot.FaultInfo) = entry->FaultInfo == 0
                ? Key.Void : Key.Number((uint)entry->FaultInfo, (uint)(entry->FaultInfo >> 32), 0);
            entry->Flags &= ~ProcessFlags.StateChanged;
        }

        return true;
    }

    /// <summary>Writes back every loaded process (P3: before every snapshot); false when one was refused.</summary>
    public static bool WriteBackAll()
    {
        bool all = true;
        for (int i = 0; i < s_capacity; i++)
        {
            all &= WriteBack(&s_entries[i]);
        }

        return all;
    }

    /// <summary>Writes back and unloads <paramref name="entry"/>: its pins and write-back room go, the entry is free.</summary>
    public static bool Unload(ProcessEntry* entry)
    {
        if (!WriteBack(entry))
        {
            return false;
        }

        LeaveCpu(entry);
        if (entry->AddressSpace != 0)
        {
            AddressSpaces.DestroyRoot(entry->AddressSpace);
            entry->AddressSpace = 0;
        }

        IndexRemove(entry);
        Stall.WakeAllSenders(entry); // they invoke again and find it reloaded
        ReleaseParts(entry);
        entry->Flags = ProcessFlags.None;
        return true;
    }

    /// <summary>
    /// The restart list of <paramref name="header"/> (P4): every loaded process that is Running or Waiting,
    /// by root OID and AllocCount, in table order. False when they do not fit (the table is sized so they do).
    /// </summary>
    public static bool FillRestartList(CheckpointHeader* header)
    {
        uint count = 0;
        for (int i = 0; i < s_capacity; i++)
        {
            ProcessEntry* entry = &s_entries[i];
            if ((entry->Flags & ProcessFlags.Loaded) == 0 || (entry->State != RunState.Running && entry->State != RunState.Waiting))
            {
                continue;
            }

            if (count == CheckpointHeader.RestartCapacity)
            {
                return false;
            }

            RestartEntry* restart = CheckpointHeader.Restart(header, (int)count);
            restart->Oid = entry->Root;
            restart->AllocCount = entry->RootFrame->AllocCount;
            restart->Reserved = 0;
            count++;
        }

        bool fits = AppendDeferred(header, ref count);
        header->RestartCount = count;
        return fits;
    }

    /// <summary>
    /// After recovery: loads every process of <paramref name="header"/>'s restart list, which then resumes at
    /// the instruction where the checkpoint left it. Prints one line per process; returns how many loaded.
    /// </summary>
    public static uint Restart(CheckpointHeader* header)
    {
        uint loaded = 0;
        for (int i = 0; i < (int)header->RestartCount; i++)
        {
            RestartEntry* restart = CheckpointHeader.Restart(header, i);
            LoadResult result = Load(restart->Oid, restart->AllocCount, FaultMode.Synchronous, out ProcessEntry* entry);
            ProcessMessages.Restarted(restart->Oid, result, entry);
            if (IsTransient(result))
            {
                Defer(restart->Oid, restart->AllocCount); // I6: stays on the restart list, loaded later
            }

            loaded += result == LoadResult.Ok ? 1u : 0u;
        }

        Panic.Assert(loaded <= (uint)s_capacity, "ProcessTable.Restart: more processes than entries");
        return loaded;
    }

    /// <summary>
    /// The consistency check's C6 (docs/process.md "Consistency check"), after <see cref="WriteBackAll"/>: every
    /// loaded process has its three frames pinned and holding its objects, legal root slot types, nothing
    /// left unwritten, and a run state and fault code equal to root slot 8. The root OID of the first process
    /// that fails, or the null OID.
    /// </summary>
    public static Oid Check()
    {
        for (int i = 0; i < s_capacity; i++)
        {
            ProcessEntry* entry = &s_entries[i];
            if ((entry->Flags & ProcessFlags.Loaded) != 0 && !Agrees(entry))
            {
                return entry->Root.IsNull ? new Oid(ulong.MaxValue) : entry->Root;
            }
        }

        return default;
    }

    private static bool Agrees(ProcessEntry* entry)
    {
        if (entry->RootFrame == null || entry->KeyRegistersFrame == null || entry->AnnexFrame == null
            || !entry->RootFrame->IsPinned || !entry->KeyRegistersFrame->IsPinned || !entry->AnnexFrame->IsPinned
            || entry->RootFrame->Oid != entry->Root
            || (entry->Flags & (ProcessFlags.ContextChanged | ProcessFlags.StateChanged)) != 0)
        {
            return false;
        }

        Node* root = Cache.NodeBody(entry->RootFrame);
        Key* state = Node.Slot(root, ProcessRoot.State);
        return ProcessCheck.FirstIllegalSlot(root) == ProcessCheck.NoIllegalSlot
            && state->Word(0) == (uint)entry->State && state->Word(1) == entry->FaultCode;
    }
}
