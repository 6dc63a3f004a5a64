using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.VirtualCopyTest;

/// <summary>
/// The children: each CALLs its parent (register <see cref="Parent"/>) and does what the answer's W0 says, in a space
/// the parent made a virtual copy of its own. Their reports are CALLs to the parent too: W0 = 0 when every check
/// passed, else the number of the first that failed, W1 = the value it found.
/// </summary>
internal static unsafe class Child
{
    public const byte Parent = 6;

    /// <summary>Commands in the parent's answers.</summary>
    public const ulong CheckCopies = 1;
    public const ulong WriteAgain = 2;
    public const ulong GrowUntilStopped = 3;
    public const ulong Grow = 4;
    public const ulong ReadFar = 5;
    public const ulong TouchNextLeaf = 6;

    /// <summary>
    /// A fresh page in the stack's 128 KiB leaf, below the stack: its fault is the last before the freeze, so the keeper's
    /// last leaf is the stack's, and the first write after the freeze (a push) faults in it (V5).
    /// </summary>
    public const ulong LeafPage = 0x7fff_fffe_0000;

    public const ulong Initial = 0x1234_5678_9ABC_DEF0;
    public const ulong FirstWrite = 0xAAAA_0000_0000_0001;
    public const ulong SecondWrite = 0xBBBB_0000_0000_0002;
    public const ulong ThirdWrite = 0xCCCC_0000_0000_0003;

    /// <summary>Where the grower's pages start, and how many it writes at most.</summary>
    private const ulong GrowBase = 0x3000_0000_0000;
    private const ulong GrowLimit = 4096;

    /// <summary>In the program's data page: its initial value is in the template.</summary>
    private static ulong s_marker = Initial;

    /// <summary>The grower's pages so far (in the store with the pages themselves).</summary>
    private static ulong s_grown = 1; // not zero: in the data page, like the marker

    public static void RunChecks()
    {
        fixed (ulong* marker = &s_marker)
        {
            ulong command = Report((ulong)marker, *marker);
            for (;;)
            {
                ulong failed = command switch
                {
                    CheckCopies => CheckCopiesAndZeros(marker),
                    WriteAgain => WriteAgainAfterFreeze(marker),
                    GrowUntilStopped => GrowUntilParked(marker),
                    ReadFar => ReadFreshPages(),
                    TouchNextLeaf => Touch(LeafPage, 71),
                    _ => 99,
                };
                command = Report(failed, *marker);
            }
        }
    }

    public static void RunGrower()
    {
        ulong command = Report(0, 0);
        if (command != Grow)
        {
            return;
        }

        while (s_grown - 1 < GrowLimit)
        {
            ulong n = s_grown - 1;
            *(ulong*)(GrowBase + (n * 4096)) = n + 1;
            s_grown++;
            if ((n + 1) % 64 == 0)
            {
                for (ulong i = 0; i <= n; i++)
                {
                    ulong found = *(ulong*)(GrowBase + (i * 4096));
                    if (found != i + 1)
                    {
                        Program.Print("vcsk-grow: FAIL", "page", i, "found", found);
                        return;
                    }
                }

                Program.Print("vcsk-grow:", "pages", n + 1);
            }
        }

        Console.WriteLine("vcsk-grow: done");
    }

    /// <summary>CALLs the parent with W0, W1; the command of its answer.</summary>
    private static ulong Report(ulong w0, ulong w1)
    {
        KeyCall.Call(Parent, 0, w0, w1, 0, 0, 0, out InvocationResponse reply);
        return reply.W0;
    }

    /// <summary>Copy-on-write of its data page, demand zero far from its image, and a small heap.</summary>
    private static ulong CheckCopiesAndZeros(ulong* marker)
    {
        if (*marker != Initial)
        {
            return 1;
        }

        *marker = FirstWrite;
        if (*marker != FirstWrite)
        {
            return 2;
        }

        ulong* far = stackalloc ulong[3];
        far[0] = 0x1000_0000_0000;
        far[1] = 0x2000_0000_1000;
        far[2] = 0x7000_0000_0000;
        for (int i = 0; i < 3; i++)
        {
            if (*(ulong*)far[i] != 0 || *(ulong*)(far[i] + 4088) != 0)
            {
                return 3; // a fresh page reads zero
            }
        }

        for (int i = 0; i < 3; i++)
        {
            *(ulong*)far[i] = far[i] ^ 0x5A5A;
        }

        for (int i = 0; i < 3; i++)
        {
            if (*(ulong*)far[i] != (far[i] ^ 0x5A5A) || *(ulong*)(far[i] + 8) != 0)
            {
                return 4; // and then holds what was written
            }
        }

        return Heap(0x4000_0000_0000, 64, 5);
    }

    /// <summary>Write-touches <paramref name="pages"/> fresh pages from <paramref name="at"/>, then reads them all back.</summary>
    private static ulong Heap(ulong at, ulong pages, ulong check)
    {
        for (ulong i = 0; i < pages; i++)
        {
            *(ulong*)(at + (i * 4096)) = i + 7;
            *(ulong*)(at + (i * 4096) + 4088) = i + 9;
        }

        for (ulong i = 0; i < pages; i++)
        {
            if (*(ulong*)(at + (i * 4096)) != i + 7 || *(ulong*)(at + (i * 4096) + 4088) != i + 9)
            {
                return check;
            }
        }

        return 0;
    }

    /// <summary>Reads pages never touched: zero, and (the driver checks) nothing bought for them.</summary>
    private static ulong ReadFreshPages()
    {
        ulong sum = 0;
        for (ulong i = 0; i < 4; i++)
        {
            sum |= *(ulong*)(0x6000_0000_0000 + (i * 0x10_0000_0000) + (i * 4096));
        }

        return sum == 0 ? 0UL : 30UL;
    }

    private static ulong WriteAgainAfterFreeze(ulong* marker)
    {
        if (*marker != FirstWrite || *(ulong*)0x4000_0000_0000 != 7)
        {
            return 10; // the frozen segment goes on as it was
        }

        *marker = SecondWrite;
        *(ulong*)0x4000_0000_0000 = 8;
        *(ulong*)LeafPage = 72; // in the leaf the keeper went through last before the freeze: copied too
        return *marker == SecondWrite && *(ulong*)0x4000_0000_0000 == 8 && *(ulong*)LeafPage == 72 ? 0UL : 11UL;
    }

    private static ulong Touch(ulong address, ulong value)
    {
        *(ulong*)address = value;
        return *(ulong*)address == value ? 0UL : 40UL;
    }

    /// <summary>Writes its marker, then fresh pages until its bank refuses one and the keeper leaves it parked (never returns then).</summary>
    private static ulong GrowUntilParked(ulong* marker)
    {
        *marker = ThirdWrite;
        return Heap(0x5000_0000_0000, 4096, 20);
    }
}
