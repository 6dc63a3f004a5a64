using CapOS.Kernel.Invocation;
using CapOS.ProcessCreator;
using CapOS.Runtime;
using CapOS.SpaceBank;
using CapOS.VirtualCopy;

namespace CapOS.Constructor;

/// <summary>
/// Building an instance (EROS constructor "request"; docs/services.md "Constructor", theory of operation): nothing is
/// forked. The process creator makes the process from the requester's bank, the virtual copy keeper its address space
/// from the same bank; the constituents go into its key registers, the bank into 29, a start key to it into 30, the
/// requester's resume key into 31; it starts at the entry and answers the requester itself.
/// </summary>
internal static unsafe partial class Program
{
    /// <summary>Offsets in the register file SetRegisters takes (RegisterAnnex layout).</summary>
    private const int RspOffset = 56;
    private const int RipOffset = 128;
    private const int RflagsOffset = 136;

    /// <summary>Sent 0 = a bank, sent 1 = a sched key. Answers nobody on success: the instance does.</summary>
    private static InvocationResult Request(int index)
    {
        new BankKeyRef(OwnBank).Verify(Received, out bool isBank);
        if (!isBank)
        {
            return InvocationResult.RequestError; // a forged bank could keep keys to the instance's objects
        }

        var creator = new ProcessCreatorKeyRef(Creator);
        InvocationResult result = creator.CreateProcess(Received, Brand, Received + 1, NewProcess);
        if (result != InvocationResult.Ok)
        {
            return result;
        }

        new NodeKeyRef(Constituents).CopySlot(ConstructorTable.SpaceSlot, Scratch);
        result = KeyCall.Call(Maker, VirtualCopyProtocol.CreateCopy, 0, 0, 0, Received | ((ulong)Scratch << 8), Space, out _);
        if (result != InvocationResult.Ok)
        {
            creator.DestroyProcess(Received, NewRoot);
            return result;
        }

        var process = new ProcessKeyRef(NewProcess);
        result = process.SwapRootSlot(2, Space, 0);
        result = result == InvocationResult.Ok ? LoadKeyRegisters(index, process) : result;
        result = result == InvocationResult.Ok ? Start(index, process) : result;
        if (result != InvocationResult.Ok)
        {
            KeyCall.Call(Maker, VirtualCopyProtocol.Destroy, 0, 0, 0, Space, 0, out _);
            creator.DestroyProcess(Received, NewRoot);
            return result;
        }

        return NoAnswer;
    }

    /// <summary>Keeper, constituents 1..28, the bank (29), its own start key (30), the requester's resume key (31).</summary>
    private static InvocationResult LoadKeyRegisters(int index, ProcessKeyRef process)
    {
        var constituents = new NodeKeyRef(Constituents);
        InvocationResult result = InvocationResult.Ok;
        if (s_table.Has(index, ConstructorTable.HasKeeper))
        {
            constituents.CopySlot(ConstructorTable.KeeperSlot, Scratch);
            result = process.SwapRootSlot(1, Scratch, 0);
        }

        uint filled = s_table.Filled[index];
        for (int register = 1; register <= ConstructorProtocol.LastInitialRegister && result == InvocationResult.Ok; register++)
        {
            if ((filled & (1u << register)) != 0)
            {
                constituents.CopySlot(register, Scratch);
                result = process.SwapKeyRegister(register, Scratch, 0);
            }
        }

        result = result == InvocationResult.Ok ? process.SwapKeyRegister(ConstructorProtocol.InstanceBankRegister, Received, 0) : result;
        result = result == InvocationResult.Ok ? process.MakeStartKey(0, Scratch) : result;
        result = result == InvocationResult.Ok ? process.SwapKeyRegister(ConstructorProtocol.OwnStartRegister, Scratch, 0) : result;
        return result == InvocationResult.Ok ? process.SwapKeyRegister(ConstructorProtocol.CreatorResumeRegister, ResumeRegister, 0) : result;
    }

    /// <summary>PC and SP from SetEntry, RFLAGS interrupts on (the kernel sanitises the rest), then Running.</summary>
    private static InvocationResult Start(int index, ProcessKeyRef process)
    {
        byte* file = stackalloc byte[ProcessOrder.RegisterBytes];
        for (int i = 0; i < ProcessOrder.RegisterBytes; i++)
        {
            file[i] = 0;
        }

        *(ulong*)(file + RspOffset) = s_table.Sp[index];
        *(ulong*)(file + RipOffset) = s_table.Pc[index];
        *(ulong*)(file + RflagsOffset) = 0x202;
        InvocationResult result = process.SetRegisters(file);
        return result == InvocationResult.Ok ? process.MakeRunning() : result;
    }
}
