namespace CapOS.Kernel.Process;

/// <summary>Simulated half of the user-mode seam: the host cannot run ring-3 code.</summary>
public static unsafe partial class UserMode
{
    /// <summary>Processes the kernel tried to enter, in order (pids).</summary>
    public static System.Collections.Generic.List<uint> Entered { get; } = new();

    public static partial bool Load(ProcessEntry* process, ulong start, ulong end) => end > start;

    public static partial void Enter(ProcessEntry* process) => Entered.Add(process->Pid);

    public static partial void Release(ProcessEntry* process) => process->AddressSpace = 0;
}
