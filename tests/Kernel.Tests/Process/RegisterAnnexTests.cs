using CapOS.Kernel.Arch.X64;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>The register annex's load rules (RegisterAnnex I2, I3): what a stored annex may hold and how it loads.</summary>
public sealed unsafe class RegisterAnnexTests
{
    [Fact]
    public void AZeroAnnexLoadsThePowerOnFpuState()
    {
        RegisterAnnex annex = default; // a page bought from a bank: all zero

        RegisterAnnex.Sanitize(&annex);

        Assert.Equal(0x037F, *(ushort*)annex.Fxsave);      // FCW: every x87 exception masked
        Assert.Equal(0x1F80u, *(uint*)(annex.Fxsave + 24)); // MXCSR: every SSE exception masked
        Assert.Equal(RegisterAnnex.InitialRflags, annex.Rflags);
    }

    [Fact]
    public void AProgramsOwnControlWordsAreKept()
    {
        RegisterAnnex annex = default;
        *(ushort*)annex.Fxsave = 0x027F;
        *(uint*)(annex.Fxsave + 24) = 0xFFFF_9F80; // reserved bits set: cleared

        RegisterAnnex.Sanitize(&annex);

        Assert.Equal(0x027F, *(ushort*)annex.Fxsave);
        Assert.Equal(0x9F80u, *(uint*)(annex.Fxsave + 24));
    }
}
