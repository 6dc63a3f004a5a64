using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.NodeTree;

public sealed unsafe class OidTests
{
    [Fact]
    public void OidIsEightBytesAndComparesByValue()
    {
        Assert.Equal(8, sizeof(Oid));
        Assert.True(Oid.Null.IsNull);
        Assert.True(new Oid(5) == new Oid(2).Add(3));
        Assert.True(new Oid(5) != new Oid(6));
        Assert.False(new Oid(1).IsNull);
    }
}
