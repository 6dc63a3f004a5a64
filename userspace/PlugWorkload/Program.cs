using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.PlugWorkload;

/// <summary>
/// The plug campaign's ring-3 workload (docs/plug.md "The user workload"; system/plug.sys runs three). It owns
/// <see cref="DataPages"/> pages of its own address space (a .bss region: zero pages of the process, more than
/// the campaign's 64 page frames hold) and a header page, and runs deterministic steps forever. Step S draws
/// <see cref="WritesPerStep"/> pages from a SplitMix64 stream seeded by (identity, S) and rewrites each with
/// the pattern of (identity, page, S), one write in eight zeroing it instead; the header records the step and,
/// per page, the step that last wrote it. After step S it prints <c>workload: step=S digest=D</c> (D: 16
/// lowercase hex digits over identity, step and the per-page table; with the invariant, over every page).
/// Invariants, checked before every step (a broken one prints <c>workload: invariant broken: ...</c> and exits):
/// W1 the header is sealed: its check word is the digest of the header, and its identity is this process's;
/// W2 every page's last write step is at most the step;
/// W3 a page holds exactly the pattern of its last write (zero if never written or zeroed). Checked for the pages
/// the step rewrites and a rolling window of <see cref="ChecksPerStep"/> others, so every page is checked
/// every DataPages / ChecksPerStep steps.
/// The identity is the 4 GiB slot of its stack top (plug.sys gives each process its own `stack-top`): processes
/// of one program differ only there until key registers can carry numbers. The judge knows processes by their
/// root, from the kernel's <c>proc: &lt;pid&gt; resumed</c> lines, and requires each to go on from the step it
/// printed before the recovered snapshot (resumed, not restarted).
/// </summary>
internal static unsafe class Program
{
    /// <summary>Data pages of the region (the campaign's cache holds 64 page frames for everything).</summary>
    public const int DataPages = 120;

    /// <summary>Pages one step rewrites.</summary>
    public const int WritesPerStep = 4;

    /// <summary>Pages besides those a step rewrites whose contents it checks before the step (W3).</summary>
    public const int ChecksPerStep = 4;

    private const int PageBytes = 4096;
    private const int PageWords = PageBytes / 8;
    private const ulong Magic = 0x6b726f776b6c7570; // "pulkwork"
    private const ulong Zeroed = 1UL << 63;

    // Header words.
    private const int MagicWord = 0;
    private const int IdentityWord = 1;
    private const int StepWord = 2;
    private const int CheckWord = 3;
    private const int TableWord = 8;

    /// <summary>The header page and the data pages, page-aligned at run time (the region has one spare page).</summary>
    private static Region s_region;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        ulong identity = Identity();
        ulong* header = Header();
        if (header[MagicWord] == 0 && header[StepWord] == 0)
        {
            header[MagicWord] = Magic;
            header[IdentityWord] = identity;
            header[CheckWord] = Digest(header);
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong* chosen = stackalloc ulong[WritesPerStep];
        for (;;)
        {
            ulong next = header[StepWord] + 1;
            Choose(identity, next, chosen);
            if (!Verify(header, identity, next, chosen, line))
            {
                Keys.Exit();
            }

            for (int k = 0; k < WritesPerStep; k++)
            {
                ulong page = chosen[k] & 0xffff;
                ulong stamp = (chosen[k] >> 16 & 7) == 0 ? next | Zeroed : next;
                Fill(Page(page), identity, page, stamp);
                header[TableWord + (int)page] = stamp;
            }

            header[StepWord] = next;
            header[CheckWord] = Digest(header);
            ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "workload: step="), next);
            at = Text.AppendHex(line, Text.Append(line, at, " digest="), header[CheckWord]);
            Console.WriteLine(line, at);
        }
    }

    /// <summary>W1-W3 before step <paramref name="next"/>; prints the first broken one and returns false.</summary>
    private static bool Verify(ulong* header, ulong identity, ulong next, ulong* chosen, byte* line)
    {
        ulong step = header[StepWord];
        if (header[MagicWord] != Magic || header[IdentityWord] != identity)
        {
            return Broken(line, "header magic or identity", 0, step);
        }

        if (header[CheckWord] != Digest(header))
        {
            return Broken(line, "header check word", 0, step);
        }

        for (int page = 0; page < DataPages; page++)
        {
            if ((header[TableWord + page] & ~Zeroed) > step)
            {
                return Broken(line, "page written after the step", (ulong)page, step);
            }
        }

        for (int k = 0; k < WritesPerStep + ChecksPerStep; k++)
        {
            ulong page = k < WritesPerStep ? chosen[k] & 0xffff : ((next * ChecksPerStep) + (ulong)(k - WritesPerStep)) % DataPages;
            if (!Holds(Page(page), identity, page, header[TableWord + (int)page]))
            {
                return Broken(line, "page contents", page, step);
            }
        }

        return true;
    }

    private static bool Broken(byte* line, string what, ulong page, ulong step)
    {
        ulong at = Text.Append(line, Text.Append(line, 0, "workload: invariant broken: "), what);
        at = Text.AppendDecimal(line, Text.Append(line, at, " page="), page);
        at = Text.AppendDecimal(line, Text.Append(line, at, " step="), step);
        Console.WriteLine(line, at);
        return false;
    }

    /// <summary>The pages step <paramref name="step"/> rewrites: page in the low 16 bits, a draw above.</summary>
    private static void Choose(ulong identity, ulong step, ulong* chosen)
    {
        ulong state = (identity * 0xD6E8FEB86659FD93) ^ (step * 0x9E3779B97F4A7C15);
        for (int k = 0; k < WritesPerStep; k++)
        {
            ulong draw = SplitMix(ref state);
            chosen[k] = (draw % DataPages) | ((draw >> 32) << 16);
        }
    }

    private static void Fill(ulong* page, ulong identity, ulong index, ulong stamp)
    {
        ulong seed = Seed(identity, index, stamp);
        for (int j = 0; j < PageWords; j++)
        {
            page[j] = seed == 0 ? 0 : seed ^ ((ulong)j * 0x9E3779B97F4A7C15);
        }
    }

    private static bool Holds(ulong* page, ulong identity, ulong index, ulong stamp)
    {
        ulong seed = Seed(identity, index, stamp);
        for (int j = 0; j < PageWords; j++)
        {
            if (page[j] != (seed == 0 ? 0 : seed ^ ((ulong)j * 0x9E3779B97F4A7C15)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The pattern's seed of a page's write: 0 (a zero page) when never written or zeroed.</summary>
    private static ulong Seed(ulong identity, ulong index, ulong stamp)
    {
        if (stamp == 0 || (stamp & Zeroed) != 0)
        {
            return 0;
        }

        ulong state = (identity << 48) ^ (index << 32) ^ stamp;
        return SplitMix(ref state) | 1;
    }

    /// <summary>The digest of identity, step and the page table (words other than the check word).</summary>
    private static ulong Digest(ulong* header)
    {
        ulong h = 0xcbf29ce484222325;
        h = Absorb(h, header[MagicWord]);
        h = Absorb(h, header[IdentityWord]);
        h = Absorb(h, header[StepWord]);
        for (int page = 0; page < DataPages; page++)
        {
            h = Absorb(h, header[TableWord + page]);
        }

        return SplitMix(ref h);
    }

    private static ulong Absorb(ulong h, ulong word) => (((h << 29) | (h >> 35)) ^ word) * 0x9E3779B97F4A7C15;

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): advances <paramref name="state"/> and returns the next value.</summary>
    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>The process's identity: the 4 GiB slot just below its stack top (plug.sys: 0x7f01.. for w1).</summary>
    private static ulong Identity()
    {
        ulong local = 0;
        return ((ulong)&local + 0x10000000) >> 32;
    }

    private static ulong* Header()
    {
        fixed (Region* region = &s_region)
        {
            return (ulong*)(((ulong)region->Bytes + PageBytes - 1) & ~(ulong)(PageBytes - 1));
        }
    }

    private static ulong* Page(ulong index) => Header() + ((index + 1) * PageWords);

    private struct Region
    {
        public fixed byte Bytes[(DataPages + 2) * PageBytes];
    }
}
