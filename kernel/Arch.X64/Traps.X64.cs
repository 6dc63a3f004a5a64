using System.Runtime.InteropServices;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// Where every trap lands (Traps.X64.asm calls in with the saved frame): the timer,
/// exceptions (a user fault stops that process and the kernel goes on; a kernel fault
/// is reported and stops the machine), and the syscall entry, which turns registers
/// into an <see cref="InvocationArguments"/> for the portable dispatcher.
/// docs/boot.md "Traps" and "Syscall ABI".
/// </summary>
internal static unsafe class Traps
{
    public const int PageFault = 14;

    /// <summary>Page-fault error code bit 1: the access was a write.</summary>
    private const ulong PageFaultWrite = 2;

    /// <summary>Bytes of the <c>syscall</c> instruction (0F 05).</summary>
    private const ulong SyscallLength = 2;

    private static InvocationArguments s_arguments;
    private static InvocationReply s_reply;

    [UnmanagedCallersOnly(EntryPoint = "CapOSTrap")]
    private static void OnTrap(TrapFrame* frame)
    {
        ulong vector = frame->Vector;
        if (vector == PageFault && (frame->ErrorCode & PageFaultWrite) == 0 && frame->FromUser && LeafFault())
        {
            return; // rebuilt from the leaf table's producer: the read is retried (AddressSpaces.Leaf.cs)
        }

        if (vector == Timer.Vector)
        {
            Timer.OnInterrupt();
            if (frame->FromUser)
            {
                Preempt(frame);
            }

            return;
        }

        if (vector == VirtioBlk.Vector)
        {
            VirtioBlk.OnInterrupt();
            if (frame->FromUser)
            {
                Preempt(frame); // the checkpoint's writes progress while processes run
            }

            return;
        }

        if (vector == Timer.SpuriousVector || (vector >= 0x20 && vector < 0x30))
        {
            return; // spurious: local APIC, or the masked legacy PIC
        }

        if (vector < 32 && frame->FromUser)
        {
            StoredProcessFault(frame);
            return;
        }

        ReportKernelException(frame);
        Machine.Halt(Panic.ExitCode);
    }

    /// <summary>
    /// The syscall entry's C# half (a runtime export, not an unmanaged entry point: the kernel has no managed
    /// thread state to enter, so the reverse P/Invoke frame was pure cost on the null invocation).
    /// </summary>
    [System.Runtime.RuntimeExport("CapOSSyscall")]
    private static void OnSyscall(TrapFrame* frame)
    {
        ProcessEntry* invoker = ProcessTable.Current;
        Panic.Assert(invoker != null, "syscall with no current process");

        // The entry built the frame in the invoker's context (Traps.X64.asm): a gate invocation may leave the
        // invoker waiting, its program counter after the syscall and its receive registers where a later
        // message finds them, with nothing to copy.
        Panic.Assert(frame == (TrapFrame*)invoker->Context, "syscall frame outside the invoker's context");
        invoker->Flags |= ProcessFlags.ContextChanged;
        ulong result = KernelFastPath.TryAnswer(invoker, frame->Rdi, (uint)frame->Rax, frame->R12, (uint)frame->R13, (uint)frame->R14,
            &frame->Rsi, &frame->Rdx);
        if (result != KernelFastPath.Declined)
        {
            SyscallAbi.WriteAnswer(frame, result);
            return;
        }

        InvokeGeneral(invoker, frame);
    }

    /// <summary>The IPC fast path, else the dispatcher (the kernel-key fast path declined).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void InvokeGeneral(ProcessEntry* invoker, TrapFrame* frame)
    {
        // One CPU, one kernel stack, no nested invocation (interrupts are masked in the kernel): the decoded
        // arguments and the reply live in static storage, so no stack frame is zeroed and guarded for them.
        fixed (InvocationArguments* arguments = &s_arguments)
        fixed (InvocationReply* reply = &s_reply)
        {
            SyscallAbi.Read(frame, arguments);
            if (FastPath.TryInvoke(invoker, arguments))
            {
                Scheduler.Run(Dispatcher.Next);
                return;
            }

            DispatchOutcome outcome = Dispatcher.Dispatch(invoker, arguments, reply);
            if (outcome == DispatchOutcome.Reply)
            {
                SyscallAbi.Write(frame, reply); // the context: a snapshot taken by this invocation sees the reply
                return;
            }

            AfterDispatch(invoker, outcome);
        }
    }

    /// <summary>A dispatch that did not reply: the invoker stalled (its invocation backed up), ended or waits; run the next process.</summary>
    private static void AfterDispatch(ProcessEntry* invoker, DispatchOutcome outcome)
    {
        if (outcome == DispatchOutcome.Stalled)
        {
            // Abandoned with no effect: back up over the 2-byte syscall instruction, so that the process
            // executes the invocation again when it is woken, or after a restart (docs/process.md).
            ((TrapFrame*)invoker->Context)->Rip -= SyscallLength;
        }

        ProcessEntry* next = outcome == DispatchOutcome.Switched ? Dispatcher.Next : null;
        if (next != null && next->Runnable)
        {
            Scheduler.Run(next);
            return;
        }

        Scheduler.RunNext();
    }

    /// <summary>
    /// The page-fault fast path, first of all (EROS's common fault: a leaf entry of in-memory objects zapped): no
    /// register copy into the context (the process goes on through this frame), no general walk. False: nothing
    /// changed, the fault goes the general way.
    /// </summary>
    private static bool LeafFault()
    {
        ProcessEntry* process = ProcessTable.Current;
        return process != null && process->AddressSpace != 0 && AddressSpaces.TryLeafFault(process->AddressSpace, Cpu.ReadCr2());
    }

    /// <summary>An interrupt taken in ring 3 (timer tick, disk completion): save the frame, then the portable side.</summary>
    private static void Preempt(TrapFrame* frame)
    {
        ProcessEntry* current = ProcessTable.Current;
        Panic.Assert(current != null, "interrupt from ring 3 with no current process");
        *(TrapFrame*)current->Context = *frame;
        current->Flags |= ProcessFlags.ContextChanged;
        Scheduler.OnUserInterrupt();
    }

    /// <summary>
    /// A fault of a stored process: a page fault is translated from its node tree and, when mapped, the
    /// faulting instruction simply runs again; otherwise the registers are saved (RIP on the faulting
    /// instruction) and the process is parked or stalled by the portable side, and the next one runs.
    /// </summary>
    private static void StoredProcessFault(TrapFrame* frame)
    {
        ProcessEntry* process = ProcessTable.Current;
        Panic.Assert(process != null, "user fault with no current process");
        *(TrapFrame*)process->Context = *frame;
        process->Flags |= ProcessFlags.ContextChanged;
        if (frame->Vector == PageFault)
        {
            bool write = (frame->ErrorCode & PageFaultWrite) != 0;
            if (UserFaults.OnPageFault(process, Cpu.ReadCr2(), write) == PageFaultResult.Mapped)
            {
                return; // resume through this frame: the access is retried
            }
        }
        else
        {
            UserFaults.OnException(process, frame->Vector, Mnemonic(frame->Vector));
        }

        Scheduler.RunNext();
    }

    private static void ReportKernelException(TrapFrame* frame)
    {
        Log.Write("EXCEPTION ");
        Log.WriteDecimal(frame->Vector);
        Log.Write(" ");
        Log.Write(Mnemonic(frame->Vector));
        Log.Write(" error=");
        Log.WriteHexShort(frame->ErrorCode);
        Log.Write(" rip=");
        Log.WriteHexShort(frame->Rip);
        Log.Write(" cr2=");
        Log.WriteHexShort(Cpu.ReadCr2());
        Log.WriteLine();
        WriteRegister("rax", frame->Rax, false);
        WriteRegister("rbx", frame->Rbx, false);
        WriteRegister("rcx", frame->Rcx, false);
        WriteRegister("rdx", frame->Rdx, true);
        WriteRegister("rsi", frame->Rsi, false);
        WriteRegister("rdi", frame->Rdi, false);
        WriteRegister("rbp", frame->Rbp, false);
        WriteRegister("rsp", frame->Rsp, true);
        WriteRegister("r8", frame->R8, false);
        WriteRegister("r9", frame->R9, false);
        WriteRegister("r10", frame->R10, false);
        WriteRegister("r11", frame->R11, true);
        WriteRegister("r12", frame->R12, false);
        WriteRegister("r13", frame->R13, false);
        WriteRegister("r14", frame->R14, false);
        WriteRegister("r15", frame->R15, true);
        WriteRegister("cs", frame->Cs, false);
        WriteRegister("ss", frame->Ss, false);
        WriteRegister("rflags", frame->Rflags, false);
        WriteRegister("cr3", Cpu.ReadCr3(), true);
    }

    private static void WriteRegister(string name, ulong value, bool endLine)
    {
        Log.Write(name);
        Log.Write("=");
        Log.WriteHex(value, 16);
        if (endLine)
        {
            Log.WriteLine();
        }
        else
        {
            Log.Write(" ");
        }
    }

    private static string Mnemonic(ulong vector) => vector switch
    {
        0 => "#DE",
        1 => "#DB",
        2 => "NMI",
        3 => "#BP",
        4 => "#OF",
        5 => "#BR",
        6 => "#UD",
        7 => "#NM",
        8 => "#DF",
        10 => "#TS",
        11 => "#NP",
        12 => "#SS",
        13 => "#GP",
        14 => "#PF",
        16 => "#MF",
        17 => "#AC",
        18 => "#MC",
        19 => "#XM",
        20 => "#VE",
        21 => "#CP",
        _ => "INT",
    };
}
