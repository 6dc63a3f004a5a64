namespace CapOS.Fuzzer;

/// <summary>
/// The fuzz system's layout, shared by the program, system/fuzz.sys and the launcher's description writer
/// (launcher/Fuzz/FuzzSystem.cs; docs/fuzz.md "Definitions"). Every process runs fuzzer.elf; key register 5 (a
/// number key: role, index, fuzzer count) says which role. Key registers 1..20 are fixed (16..20 the services':
/// a bank, the pipe's two facets, the metaconstructor, the virtual copy keeper's maker); a fuzzer never names them
/// as receive registers and never swaps them, so its key set stays what the description gave it; 21..31 are
/// scratch, where whatever keys come back accumulate.
/// </summary>
public static class FuzzProtocol
{
    /// <summary>Roles (word 0 of the role key).</summary>
    public const uint Fuzzer = 0;
    public const uint Keeper = 1;
    public const uint Warden = 2;
    public const uint Echo = 3;

    /// <summary>Every role: console 1, a process key to itself 2, the role key 5.</summary>
    public const byte Console = 1;
    public const byte Self = 2;
    public const byte RoleKey = 5;

    /// <summary>Fuzzers: the checkpoint key.</summary>
    public const byte Checkpoint = 3;

    /// <summary>Fuzzers: number key, word 0|1 = the seed, word 2 = invocations to run.</summary>
    public const byte SeedKey = 4;

    /// <summary>Fuzzers: a start key to the echo server.</summary>
    public const byte EchoStart = 6;

    /// <summary>Fuzzers: a process key to the next fuzzer (itself when alone).</summary>
    public const byte OtherProcess = 7;

    /// <summary>Fuzzers: a key to a child bank of its own (the description gives the prime bank; the fuzzer's first
    /// act replaces it with a child: FuzzerRole). Its destroy orders are tamed (InvocationGenerator.Tame).</summary>
    public const byte Bank = 16;

    /// <summary>Fuzzers: the pipe's writer facet (Close and Destroy tamed, so the pipe stays open for the health check).</summary>
    public const byte PipeWriter = 17;

    /// <summary>Fuzzers: the pipe's reader facet.</summary>
    public const byte PipeReader = 18;

    /// <summary>Fuzzers: the metaconstructor (constructors it builds come back as builder keys in scratch registers).</summary>
    public const byte Metaconstructor = 19;

    /// <summary>Fuzzers: the virtual copy keeper's maker facet.</summary>
    public const byte KeeperMaker = 20;

    /// <summary>Fuzzers: first scratch register; receive registers in range are 0 or scratch.</summary>
    public const byte FirstScratch = 21;

    /// <summary>Scratch registers: FirstScratch..31.</summary>
    public const uint ScratchCount = 32 - FirstScratch;

    /// <summary>Warden: process keys to fuzzer i in register WardenFirstFuzzer + i.</summary>
    public const byte WardenFirstFuzzer = 16;

    /// <summary>Warden: the prime bank (the health check allocates, reclaims and audits through it).</summary>
    public const byte WardenBank = 6;

    /// <summary>Warden: the pipe's writer facet.</summary>
    public const byte WardenPipeWriter = 7;

    /// <summary>Warden: the pipe's reader facet.</summary>
    public const byte WardenPipeReader = 8;

    /// <summary>Warden: a scratch register for the health check.</summary>
    public const byte WardenScratch = 9;

    /// <summary>Warden: the metaconstructor.</summary>
    public const byte WardenMetaconstructor = 10;

    /// <summary>Warden: the virtual copy keeper's maker facet.</summary>
    public const byte WardenKeeperMaker = 11;

    /// <summary>Warden: process keys to fuzzer i in register WardenFirstFuzzer + i.</summary>
    public const int MaxFuzzers = 15;

    /// <summary>The key info of the fuzzers' keeper key (root slot 1): a message with it is a fault from the kernel.</summary>
    public const ulong FaultKeyInfo = 0x4B;

    /// <summary>Where the keeper and the echo server take a caller's resume key.</summary>
    public const byte ResumeRegister = 31;

    /// <summary>Every process's stack top (imagegen's default stack-top): the keeper restarts a fuzzer there.</summary>
    public const ulong StackTop = 0x7FFF_FFFF_0000;

    /// <summary>Result codes a fuzzer counts one by one (Ok .. ObjectUnavailable, and a few above); the rest count as "other".</summary>
    public const int CountedResults = 16;
}
