using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Writing a key into a node slot: the one way invocation changes a slot (node, process and key-register
/// orders, message delivery). docs/invocation.md "Writing a slot".
/// </summary>
/// <remarks>
/// I1 The written key is a disk-form copy: it is prepared again when first used, so no ring ever holds a
///    key that is not in a node slot or a kernel table (<see cref="WriteResumeRegister"/> writes the prepared form
///    at once, into a node slot).
/// I2 Every write tells the mapping layer (AddressSpaces.SlotChanged: mappings built through the slot go)
///    and the process table (a loaded process whose root slot changed reloads it).
/// The caller has dirtied the node (<see cref="Invocation.TryDirty"/>) before its commit point.
/// </remarks>
public static unsafe class KeySlots
{
    /// <summary>Writes a copy of <paramref name="key"/> (void when null) into slot <paramref name="slot"/> of the dirty node <paramref name="node"/>.</summary>
    public static void Write(ObjectHeader* node, int slot, Key* key)
    {
        Key value = default;
        if (key != null)
        {
            Cache.DiskForm(key, &value);
        }

        Key* destination = Node.Slot(Cache.NodeBody(node), slot);
        Cache.UnprepareKey(destination);
        *destination = value;
        AddressSpaces.SlotChanged(node, slot);
        ProcessTable.SlotChanged(node, slot);
    }

    /// <summary>Writes <paramref name="key"/> (a value in disk form) into a slot of the dirty node <paramref name="node"/>.</summary>
    public static void Write(ObjectHeader* node, int slot, Key key) => Write(node, slot, &key);

    /// <summary>
    /// The IPC fast path's resume key: writes into key register <paramref name="register"/> (1..31) of the loaded
    /// <paramref name="receiver"/> (key registers node dirty) a resume key to <paramref name="caller"/>'s root in its
    /// prepared form. The same effect as <see cref="WriteRegister"/> of the resume key's disk form followed by preparing
    /// it (I1: it is in a node slot; I2: the same bookkeeping), without the disk-form round trip.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void WriteResumeRegister(ProcessEntry* receiver, int register, ProcessEntry* caller)
    {
        ObjectHeader* node = receiver->KeyRegistersFrame;
        Cache.WritePrepared(node, register, KeyType.Resume, caller->RootFrame);
        AddressSpaces.SlotChanged(node, register);
        if (register == ProcessRoot.State || register == ProcessRoot.FaultInfo)
        {
            ProcessTable.SlotChanged(node, register); // the only slots it looks at: a key registers node may be a root too
        }
    }

    /// <summary>Writes into key register <paramref name="register"/> of a loaded process (dirtied key registers node); register 0 is never written (P1).</summary>
    public static void WriteRegister(ProcessEntry* process, int register, Key* key)
    {
        if (register > 0 && register < Node.SlotCount)
        {
            Write(process->KeyRegistersFrame, register, key);
        }
    }
}
