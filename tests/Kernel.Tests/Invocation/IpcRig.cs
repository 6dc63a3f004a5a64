using System.Collections.Generic;
using System.Text;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// Stored processes that talk through gate keys on the simulated machine: each has one page as its address
/// space (addresses 0..4095), the console in key register 1; the test stands in for their user code by putting
/// an invocation in a process's registers (as the trap path leaves them) and dispatching it.
/// </summary>
internal sealed unsafe class IpcRig : System.IDisposable
{
    private readonly StoredProcesses _processes = new();
    private readonly List<int> _spacePages = [];
    private CheckpointerTestRig? _rig;

    /// <summary>The console text so far.</summary>
    public string Console => _rig!.Machine.ConsoleText;

    public CheckpointerTestRig Rig => _rig!;

    public StoredProcesses Processes => _processes;

    /// <summary>Adds a process in <paramref name="state"/> with extra key registers; <paramref name="keeper"/> (a process index) goes in root slot 1.</summary>
    public int Add(RunState state, IReadOnlyDictionary<int, Key>? keys = null, int keeper = -1, Key? space = null)
    {
        int index = _spacePages.Count;
        _spacePages.Add(index);
        var all = new Dictionary<int, Key> { [1] = Key.Kernel(KeyType.Console, 0) };
        foreach ((int register, Key key) in keys ?? new Dictionary<int, Key>())
        {
            all[register] = key;
        }

        Key spaceKey = space ?? Key.Object(KeyType.Page, _processes.FreePage((ulong)index), 0, KeyRights.None, 0);
        _processes.Add(state, all, root =>
        {
            root.With(ProcessRoot.AddressSpace, spaceKey);
            if (keeper >= 0)
            {
                root.With(ProcessRoot.Keeper, StartKey(keeper, 0));
            }

            return root;
        });
        return index;
    }

    /// <summary>A start key to process <paramref name="index"/> carrying <paramref name="keyInfo"/>.</summary>
    public Key StartKey(int index, ushort keyInfo) => Key.Object(KeyType.Start, _processes.Root(index), 0, KeyRights.None, keyInfo);

    public void Boot() => _rig = _processes.Boot();

    public ProcessEntry* Entry(int index)
    {
        ProcessEntry* entry = ProcessTable.Find(_processes.Root(index));
        if (entry == null)
        {
            Assert.Equal(LoadResult.Ok, ProcessTable.Load(_processes.Root(index), 0, CapOS.Kernel.ObjectCache.FaultMode.Synchronous, out entry));
        }

        return entry;
    }

    /// <summary>Registers of process <paramref name="index"/>.</summary>
    public RegisterAnnex* Registers(int index) => (RegisterAnnex*)Entry(index)->Context;

    /// <summary>Writes <paramref name="text"/> at <paramref name="address"/> of process <paramref name="index"/>'s page.</summary>
    public void Poke(int index, ulong address, string text)
    {
        ObjectHeader* page = CheckpointerTestRig.Page(_processes.FreePage((ulong)index));
        Assert.True(Cache.MarkDirty(page));
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        for (int i = 0; i < bytes.Length; i++)
        {
            Cache.PageData(page)[address + (ulong)i] = bytes[i];
        }
    }

    /// <summary><paramref name="length"/> bytes at <paramref name="address"/> of process <paramref name="index"/>'s page.</summary>
    public string Peek(int index, ulong address, int length)
    {
        byte* data = Cache.PageData(CheckpointerTestRig.Page(_processes.FreePage((ulong)index)));
        return Encoding.ASCII.GetString(data + address, length);
    }

    /// <summary>
    /// Process <paramref name="index"/> invokes: its registers get the arguments (as the trap path saves them), then
    /// the dispatcher runs; an invocation stalled on an object's read is run again once the read completed, as
    /// the woken process would (tests that look at the stall itself call the dispatcher directly).
    /// </summary>
    public DispatchOutcome Invoke(int index, InvocationArguments arguments, out InvocationReply reply)
    {
        ProcessEntry* entry = Entry(index);
        RegisterAnnex* r = (RegisterAnnex*)entry->Context;
        SaveArguments(entry, &arguments);
        InvocationReply result;
        DispatchOutcome outcome = Dispatcher.Dispatch(entry, &arguments, &result);
        for (int retry = 0; retry < 8 && outcome == DispatchOutcome.Stalled && entry->Stalled == StallReason.ObjectRead; retry++)
        {
            // As on metal: the read completes, the process is woken and invokes again.
            Cache.CompleteReads();
            Assert.Equal(StallReason.None, entry->Stalled);
            outcome = Dispatcher.Dispatch(entry, &arguments, &result);
        }

        if (outcome == DispatchOutcome.Reply)
        {
            SyscallAbi.Write(r, &result);
        }

        reply = result;
        return outcome;
    }

    /// <summary>
    /// Puts <paramref name="arguments"/> in <paramref name="process"/>'s saved registers as the trap path leaves an
    /// invocation there (the inverse of SyscallAbi.Read; the simulated context is a register annex).
    /// </summary>
    public static void SaveArguments(ProcessEntry* process, InvocationArguments* arguments)
    {
        RegisterAnnex* r = (RegisterAnnex*)process->Context;
        r->Rdi = arguments->KeyRegister | ((ulong)arguments->Type << 8);
        r->Rax = arguments->Order;
        r->Rsi = arguments->W0;
        r->Rdx = arguments->W1;
        r->R10 = arguments->W2;
        r->R8 = arguments->W3;
        r->R9 = arguments->StringAddress;
        r->R12 = arguments->StringLength;
        r->R13 = *(uint*)arguments->SendKeys;
        r->R14 = *(uint*)arguments->ReceiveKeys;
        r->R15 = arguments->ReceiveAddress;
        r->Rbx = arguments->ReceiveCapacity;
        process->Flags |= ProcessFlags.ContextChanged;
    }

    /// <summary>Arguments: invoke <paramref name="register"/> with <paramref name="type"/> and <paramref name="order"/>.</summary>
    public static InvocationArguments Message(byte register, InvocationType type, uint order, ulong w0 = 0)
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = register;
        arguments.Type = type;
        arguments.Order = order;
        arguments.W0 = w0;
        return arguments;
    }

    public void Dispose()
    {
        _rig?.Dispose();
        _rig = null;
    }
}
