namespace RingIpc;

/// <summary>
/// The frames of the call protocol (version 1), each one ring message whose type is its <see cref="CallFrameKind"/>.
/// Each starts with a fixed <c>[SharedLayout]</c> header (the same bytes in 32- and 64-bit processes), followed
/// by <see cref="CallWriter"/>-encoded data.
/// </summary>
/// <remarks>
/// <code>
///  request ring "{endpoint}" (MPSC: every client writes, the server reads)
///    Connect     ConnectFrame  + contract name (string)      a client announces itself and its reply ring
///    Call        CallFrame     + arguments                    a call
///    Cancel      CancelFrame                                  the caller gave up (cancelled, or its deadline passed)
///    Disconnect  CancelFrame (call id 0)                      the client is going away
///  reply ring "{endpoint}.r{client key, 16 hex digits}" (SPSC: the server writes, the client reads)
///    Accepted    AcceptFrame   + contract name (string)      the server's identity and contract
///    Refused     AcceptFrame   + contract name (string)      another contract: the client throws a mismatch
///    Reply       ReplyFrame    + result, or a fault (type and message strings)
///    Closed      AcceptFrame   + contract name (string)      the server closed its endpoint
/// </code>
/// A client's key is a random 64-bit number: it names the reply ring and marks every frame of that client, so a
/// frame naming an unknown key is dropped. Every field read from a frame is validated before use.
/// </remarks>
internal static class CallFrames
{
    /// <summary>The protocol version both sides send.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>The reply ring's name for a client key.</summary>
    public static string ReplyRingName(string endpoint, long clientKey) => $"{endpoint}.r{clientKey:x16}";

    /// <summary>How much of a section name the reply ring's suffix takes.</summary>
    public const int ReplyRingSuffixLength = 18;
}

/// <summary>The kinds of frame (the ring message type).</summary>
internal enum CallFrameKind
{
    Connect = 1,
    Call = 2,
    Cancel = 3,
    Disconnect = 4,
    Accepted = 16,
    Refused = 17,
    Reply = 18,
    Closed = 19,
}

/// <summary>How a call ended, in a <see cref="ReplyFrame"/>.</summary>
internal enum CallStatus
{
    /// <summary>The result follows.</summary>
    Ok = 0,

    /// <summary>The handler threw: its type and message follow.</summary>
    Fault = 1,

    /// <summary>The handler observed its cancellation.</summary>
    Cancelled = 2,

    /// <summary>The request was invalid (a <see cref="CallProtocolException"/>): type and message follow.</summary>
    Invalid = 3,
}

/// <summary>A client's first frame.</summary>
[SharedLayout]
internal partial struct ConnectFrame
{
    public partial int ProtocolVersion { get; set; }

    public partial int ClientPid { get; set; }

    public partial long ClientStartTime { get; set; }

    public partial long ClientKey { get; set; }

    public partial ulong ContractFingerprint { get; set; }
}

/// <summary>A call.</summary>
[SharedLayout]
internal partial struct CallFrame
{
    public partial long ClientKey { get; set; }

    public partial long CallId { get; set; }

    public partial int MethodId { get; set; }

    /// <summary>The caller's time budget left when it sent the call, in milliseconds; −1 for none.</summary>
    public partial int DeadlineMs { get; set; }
}

/// <summary>A cancellation or a disconnect.</summary>
[SharedLayout]
internal partial struct CancelFrame
{
    public partial long ClientKey { get; set; }

    public partial long CallId { get; set; }
}

/// <summary>The server's answer to a connect, and its goodbye.</summary>
[SharedLayout]
internal partial struct AcceptFrame
{
    public partial int ProtocolVersion { get; set; }

    public partial int ServerPid { get; set; }

    public partial long ServerStartTime { get; set; }

    public partial ulong ContractFingerprint { get; set; }

    public partial int MaxRequestLength { get; set; }

    public partial int Reserved { get; set; }
}

/// <summary>A call's end.</summary>
[SharedLayout]
internal partial struct ReplyFrame
{
    public partial long CallId { get; set; }

    public partial int Status { get; set; }

    public partial int Reserved { get; set; }
}
