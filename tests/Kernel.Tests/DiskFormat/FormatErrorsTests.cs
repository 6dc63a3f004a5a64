using System;
using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed class FormatErrorsTests
{
    [Fact]
    public void EveryErrorHasItsOwnName()
    {
        var seen = new HashSet<string>();
        foreach (FormatError error in Enum.GetValues<FormatError>())
        {
            string name = FormatErrors.Name(error);
            Assert.NotEqual("unknown format error", name);
            Assert.True(seen.Add(name), name);
        }

        Assert.Equal("unknown format error", FormatErrors.Name((FormatError)250));
    }
}
