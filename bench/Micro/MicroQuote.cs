namespace RingIpc.Bench.Micro;

/// <summary>The typed message of the micro benchmarks: a generated, pointer-free layout.</summary>
[SharedLayout]
public partial struct MicroQuote
{
    /// <summary>Instrument id.</summary>
    public partial long Instrument { get; set; }

    /// <summary>Price.</summary>
    public partial double Price { get; set; }

    /// <summary>Quantity.</summary>
    public partial int Quantity { get; set; }

    /// <summary>Buy or sell.</summary>
    public partial bool Buy { get; set; }

    /// <summary>Exchange time stamp.</summary>
    public partial long TimestampTicks { get; set; }
}
