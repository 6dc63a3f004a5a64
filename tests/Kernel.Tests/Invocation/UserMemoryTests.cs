using CapOS.Kernel.Invocation;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

public sealed class UserMemoryTests
{
    [Theory]
    [InlineData(0x400000UL, 16UL, true)]
    [InlineData(0UL, 0UL, true)]
    [InlineData(0x00007FFFFFFFF000UL, 0x1000UL, true)] // ends exactly at the top of the user half
    [InlineData(0x00007FFFFFFFF001UL, 0x1000UL, false)]
    [InlineData(0x0000800000000000UL, 0UL, false)]
    [InlineData(0xFFFFFFFFFFFFF000UL, 0x1000UL, false)]
    [InlineData(0x400000UL, UserMemory.MaxStringLength + 1, false)]
    public void IsUserRangeChecksBoundsAndLength(ulong address, ulong length, bool expected)
    {
        Assert.Equal(expected, UserMemory.IsUserRange(address, length));
    }
}
