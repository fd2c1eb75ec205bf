using System.Net.Sockets;
using System.Text;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Infrastructure;

/// <summary>A plain RESP connection to a server process, with binary-safe arguments and a read deadline.</summary>
public sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RespConnection(int port, string host = "127.0.0.1")
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        _socket.Connect(host, port);
    }

    public RespValue Call(params string[] args) => CallBytes(args.Select(a => (object)a).ToArray());

    /// <summary>Arguments may be strings (UTF-8) or byte arrays.</summary>
    public RespValue CallBytes(params object[] args)
    {
        Send(args);
        return Read();
    }

    public void Send(params object[] args)
    {
        var stream = new MemoryStream();
        stream.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var a in args)
        {
            var bytes = a as byte[] ?? Encoding.UTF8.GetBytes((string)a);
            stream.Write(Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"));
            stream.Write(bytes);
            stream.Write("\r\n"u8);
        }
        _socket.Send(stream.ToArray());
    }

    public void SendRaw(byte[] bytes) => _socket.Send(bytes);

    public RespValue Read()
    {
        while (true)
        {
            if (_end > _start && RespReader.TryRead(_buffer.AsSpan(_start, _end - _start), out var value, out int consumed))
            {
                _start += consumed;
                return value!;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (n == 0) throw new IOException("connection closed by server");
            _end += n;
        }
    }

    public void Dispose() => _socket.Dispose();
}
