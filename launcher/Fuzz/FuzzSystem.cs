using System;
using System.Globalization;
using System.Text;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// Writes the fuzz system's description (docs/fuzz.md "The system"; docs/imagegen.md): an echo server, the
/// fuzzers' keeper, K fuzzers, the warden, the services they are aimed at (the space bank and a pipe, after the
/// warden), and bystander objects no process reaches. Every process runs
/// fuzzer.elf in the role its key register 5 names (userspace/Fuzzer/FuzzProtocol.cs). Each fuzzer's seed is
/// a number key (register 4) derived from the run's seed, so a run is one description and one image.
/// system/fuzz.sys is this text for <see cref="Default"/> (FuzzSystemTests keeps them equal): to add keys to
/// the fuzzers' set, extend <see cref="FuzzerKeys"/> and regenerate it.
/// </summary>
public static class FuzzSystem
{
    /// <summary>The warden has a process key to each fuzzer in registers 16..30 (userspace/Fuzzer/FuzzProtocol.MaxFuzzers).</summary>
    public const int MaxFuzzers = 15;

    /// <summary>Restart-list order: echo, keeper, the fuzzers, the warden.</summary>
    public const int FirstFuzzer = 2;

    /// <summary>The shipped description's parameters: what the boot test runs.</summary>
    public static readonly FuzzSystemOptions Default = new(Seed: 1, Fuzzers: 2, Invocations: 2000);

    /// <summary>Restart indexes of the processes whose keys bound the changes: the fuzzers and the warden (docs/fuzz.md).</summary>
    public static int[] AuthorityRoots(int fuzzers)
    {
        int[] roots = new int[fuzzers + 1];
        for (int i = 0; i <= fuzzers; i++)
        {
            roots[i] = FirstFuzzer + i;
        }

        return roots;
    }

    /// <summary>Fuzzer i's seed: SplitMix64 of the run's seed and i.</summary>
    public static ulong FuzzerSeed(ulong seed, int index)
    {
        return new CapOS.Harness.SplitMix64(seed + ((ulong)index * 0x9E37_79B9_7F4A_7C15)).Next();
    }

    /// <summary>The fixed key registers 3..18 of fuzzer <paramref name="index"/> (1, 2 and 5 are every role's; 16..18
    /// the services: the prime bank, which the fuzzer replaces with a child of it first, and the pipe's facets).</summary>
    public static string[] FuzzerKeys(FuzzSystemOptions options, int index)
    {
        string self = $"fuzz{index}";
        string other = $"fuzz{(index + 1) % options.Fuzzers}";
        ulong seed = FuzzerSeed(options.Seed, index);
        return
        [
            "key 3 = checkpoint",
            Invariant($"key 4 = number 0x{seed & 0xFFFF_FFFF:x} 0x{seed >> 32:x} {options.Invocations}   # seed, invocations"),
            "key 6 = start echo keyinfo 6",
            $"key 7 = process {other}",
            $"key 8 = resume {other}",
            $"key 9 = node {self}-node",
            $"key 10 = segment {self}-node",
            $"key 11 = page {self}-page",
            "key 12 = number 0xdead 0xbeef 7",
            "key 13 = sched 8",
            "key 14 = start keeper keyinfo 14",
            "key 15 = discrim",
            "key 16 = start space-bank keyinfo 0   # the prime bank: replaced by a child at start",
            "key 17 = start pipe keyinfo 1   # the pipe's writer facet",
            "key 18 = start pipe keyinfo 2   # the pipe's reader facet",
            "key 19 = start constructor keyinfo 0   # the metaconstructor",
            "key 20 = start vcsk keyinfo 0   # the virtual copy keeper's maker",
        ];
    }

    /// <summary>The description text.</summary>
    public static string Describe(FuzzSystemOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("# The fuzz system (docs/fuzz.md \"The system\"), written by launcher/Fuzz/FuzzSystem.cs: `./capos fuzz` writes");
        text.AppendLine(Invariant($"# one per run; this one is seed {options.Seed}, {options.Fuzzers} fuzzers, {options.Invocations} invocations each (the boot test's)."));
        text.AppendLine("# Restart order: echo, keeper, fuzz0.., warden, space-bank, pipe, process-creator, constructor, vcsk. Nothing");
        text.AppendLine("# holds a key to the bystanders: the");
        text.AppendLine("# authority check must find them unchanged.");
        text.AppendLine();
        text.AppendLine("volume fuzz");
        text.AppendLine("log pages 2048");
        text.AppendLine("checkpoint interval-ms 200 threshold 65");
        text.AppendLine("node-range slack 200    # the bank's free nodes");
        text.AppendLine("page-range slack 300    # the bank's free pages");
        text.AppendLine("log-objects all");
        text.AppendLine("root bystander");
        text.AppendLine();
        text.AppendLine("program fuzzer elf \"user/fuzzer.elf\"");
        text.AppendLine("program space-bank elf \"user/space-bank.elf\"");
        text.AppendLine("program pipe elf \"user/pipe.elf\"");
        text.AppendLine("program process-creator elf \"user/process-creator.elf\"");
        text.AppendLine("program constructor elf \"user/constructor.elf\"");
        text.AppendLine("program vcsk elf \"user/vcsk.elf\"");
        text.AppendLine("zero-space zero         # the keeper's primordial zero space");
        text.AppendLine();
        text.AppendLine("node bystander");
        text.AppendLine("  slot 0 = node bystander-child");
        text.AppendLine("  slot 1 = page bystander-page");
        text.AppendLine("  slot 2 = number 1 2 3");
        text.AppendLine("node bystander-child");
        text.AppendLine("  slot 0 = number 4 5 6");
        text.AppendLine("page bystander-page pattern 99");
        text.AppendLine();
        Process(text, "echo", 3, 0, options.Fuzzers, []);
        Process(text, "keeper", 1, 0, options.Fuzzers, []);
        for (int i = 0; i < options.Fuzzers; i++)
        {
            Process(text, $"fuzz{i}", 0, i, options.Fuzzers, FuzzerKeys(options, i), keeper: "start keeper keyinfo 0x4b");
            text.AppendLine(Invariant($"node fuzz{i}-node"));
            text.AppendLine(Invariant($"  slot 0 = page fuzz{i}-page"));
            text.AppendLine("  slot 1 = number 7 7 7");
            text.AppendLine(Invariant($"page fuzz{i}-page pattern {i + 1}"));
            text.AppendLine();
        }

        string[] warden = new string[options.Fuzzers + 5];
        warden[0] = "key 6 = start space-bank keyinfo 0   # the health check: the prime bank";
        warden[1] = "key 7 = start pipe keyinfo 1";
        warden[2] = "key 8 = start pipe keyinfo 2";
        warden[3] = "key 10 = start constructor keyinfo 0";
        warden[4] = "key 11 = start vcsk keyinfo 0";
        for (int i = 0; i < options.Fuzzers; i++)
        {
            warden[i + 5] = Invariant($"key {16 + i} = process fuzz{i}");
        }

        Process(text, "warden", 2, 0, options.Fuzzers, warden);
        text.AppendLine("node bank-brand         # the bank server's brand (Verify)");
        text.AppendLine();
        text.AppendLine("process space-bank program space-bank stack-pages 4 priority 8");
        text.AppendLine("  key 1 = console");
        text.AppendLine("  key 2 = process space-bank");
        text.AppendLine("  key 5 = range free-pages");
        text.AppendLine("  key 6 = range free-nodes");
        text.AppendLine("  key 7 = process-tool");
        text.AppendLine("  key 8 = node bank-brand");
        text.AppendLine("  brand = node bank-brand");
        text.AppendLine();
        text.AppendLine("process pipe program pipe stack-pages 4 priority 8");
        text.AppendLine("  key 1 = console");
        text.AppendLine();
        text.Append(ConstructorServers);
        return text.ToString();
    }

    private static void Process(StringBuilder text, string name, int role, int index, int fuzzers, string[] keys, string? keeper = null)
    {
        text.AppendLine($"process {name} program fuzzer stack-pages 4 priority 8");
        if (keeper is not null)
        {
            text.AppendLine($"  keeper = {keeper}");
        }

        text.AppendLine("  key 1 = console");
        text.AppendLine($"  key 2 = process {name}");
        text.AppendLine(Invariant($"  key 5 = number {role} {index} {fuzzers}   # role, index, fuzzers"));
        foreach (string key in keys)
        {
            text.Append("  ").AppendLine(key);
        }

        text.AppendLine();
    }

    /// <summary>The process creator, the constructor and the virtual copy keeper, as system/ctor.sys runs them.</summary>
    private const string ConstructorServers = """
        node constructor-brand
        tree constructor-directory fanout 8 depth 2 pages-per-leaf 0

        process process-creator program process-creator stack-pages 4 priority 8
          key 1 = console
          key 2 = process process-creator
          key 4 = start space-bank keyinfo 0     # Verify
          key 5 = process-tool
          key 6 = discrim

        process constructor program constructor stack-pages 4 priority 8
          key 1 = console
          key 2 = process constructor
          key 3 = start process-creator
          key 4 = start vcsk keyinfo 0           # the keeper's maker facet
          key 5 = process-tool
          key 6 = node constructor-brand
          key 7 = discrim
          key 8 = keybits
          key 9 = start space-bank keyinfo 0     # Verify
          key 11 = node constructor-directory
          brand = node constructor-brand

        process vcsk program vcsk stack-pages 4 priority 8
          key 1 = console
          key 2 = process vcsk
          key 4 = keybits
          key 6 = zero-space zero height 0
          key 7 = zero-space zero height 1
          key 8 = zero-space zero height 2
          key 9 = zero-space zero height 3
          key 10 = zero-space zero height 4
          key 11 = zero-space zero height 5
          key 12 = zero-space zero height 6
          key 13 = zero-space zero height 7
          key 15 = start space-bank keyinfo 65535

        """;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a fuzz description varies: the run's seed, the number of fuzzers (1..15), invocations per fuzzer.</summary>
public sealed record FuzzSystemOptions(ulong Seed, int Fuzzers, uint Invocations);
