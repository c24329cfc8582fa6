//! `netlab byteorder`: every function, every value form, through the binary.

use crate::common::*;

fn one(args: &[&str]) -> Ev {
    let mut a = vec!["--json", "byteorder"];
    a.extend_from_slice(args);
    let o = run(&a, b"");
    assert_exit(&o, 0);
    let ev = events(&o);
    assert_eq!(ev.len(), 1, "{ev:?}");
    ev.into_iter().next().unwrap()
}

#[test]
fn host_order_shows_memory() {
    let Ev::Byteorder(ByteorderEv::HostOrder { order, memory, network_memory, .. }) = one(&[]) else { panic!() };
    let expect_le = cfg!(target_endian = "little");
    assert_eq!(order, if expect_le { "little-endian" } else { "big-endian" });
    assert_eq!(memory, if expect_le { ["78", "56", "34", "12"] } else { ["12", "34", "56", "78"] });
    assert_eq!(network_memory, ["12", "34", "56", "78"]);
}

#[test]
fn htons_shows_wire_bytes() {
    let Ev::Byteorder(ByteorderEv::Conversion { function, value, result, result_hex, memory, .. }) =
        one(&["htons", "9190"])
    else {
        panic!()
    };
    assert_eq!(function, "htons");
    assert_eq!(value, 9190);
    assert_eq!(result, u64::from(9190u16.to_be()));
    assert_eq!(result_hex, format!("{:#06x}", 9190u16.to_be()));
    assert_eq!(memory, ["23", "e6"], "9190 = 0x23e6 goes on the wire high byte first");
}

#[test]
fn every_value_form() {
    for (form, v) in
        [("4660", 0x1234u64), ("0x1234", 0x1234), ("0X1234", 0x1234), ("0o11064", 0x1234), ("0b1001000110100", 0x1234)]
    {
        let Ev::Byteorder(ByteorderEv::Conversion { value, result, .. }) = one(&["ntohs", form]) else { panic!() };
        assert_eq!(value, v, "{form}");
        assert_eq!(result, u64::from(u16::from_be(v as u16)), "{form}");
    }
}

#[test]
fn htonl_and_ntohl() {
    let Ev::Byteorder(ByteorderEv::Conversion { result, memory, .. }) = one(&["htonl", "0x7f000001"]) else { panic!() };
    assert_eq!(result, u64::from(0x7f00_0001u32.to_be()));
    assert_eq!(memory, ["7f", "00", "00", "01"]);
    let Ev::Byteorder(ByteorderEv::Conversion { result, .. }) = one(&["ntohl", "4294967295"]) else { panic!() };
    assert_eq!(result, 0xffff_ffff);
}

#[test]
fn several_values_and_stdin() {
    let o = run(&["--json", "byteorder", "htons", "1", "2", "3"], b"");
    assert_exit(&o, 0);
    assert_eq!(events(&o).len(), 3);
    let o = run(&["--json", "byteorder", "htons", "-"], b"80\n\n443\n  8080  \n");
    assert_exit(&o, 0);
    let results: Vec<u64> = events(&o)
        .into_iter()
        .map(|e| match e {
            Ev::Byteorder(ByteorderEv::Conversion { value, .. }) => value,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(results, [80, 443, 8080]);
    let o = run(&["byteorder", "htons", "-"], b"80\nbogus\n");
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("stdin line 2"), "{}", stderr(&o));
    // bytes that are not text are bad input (2), not an I/O failure
    let o = run(&["byteorder", "htons", "-"], b"80\n\xff\xfe\n");
    assert_exit(&o, 2);
    assert!(stderr(&o).starts_with("netlab: byteorder: stdin line 2: not text"), "{}", stderr(&o));
}

#[test]
fn text_output_is_one_line_per_value() {
    let o = run(&["byteorder", "htons", "9190"], b"");
    assert_exit(&o, 0);
    let s = stdout(&o);
    assert_eq!(s.lines().count(), 1, "{s}");
    assert!(s.contains("htons(9190)") && s.contains("23 e6"), "{s}");
}

#[test]
fn inet_aton_loose_forms_with_notes() {
    for (input, dotted, note) in [
        ("127.1", "127.0.0.1", "fills the remaining 3 bytes"),
        ("0x7f.1", "127.0.0.1", "hexadecimal"),
        ("010.0.0.1", "8.0.0.1", "octal (8)"),
        ("1.2.3.4 trailing", "1.2.3.4", "ignored"),
    ] {
        let Ev::Byteorder(ByteorderEv::InetAddr { ok, dotted: d, notes, memory, .. }) = one(&["inet_aton", input])
        else {
            panic!()
        };
        assert!(ok);
        assert_eq!(d.as_deref(), Some(dotted), "{input}");
        assert!(notes.iter().any(|n| n.contains("inet_pton would refuse") && n.contains(note)), "{input}: {notes:?}");
        let ip: std::net::Ipv4Addr = dotted.parse().unwrap();
        let want: Vec<String> = ip.octets().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(memory, want, "s_addr lies in memory in network order");
    }
    let Ev::Byteorder(ByteorderEv::InetAddr { notes, .. }) = one(&["inet_aton", "192.168.0.1"]) else { panic!() };
    assert!(notes.is_empty(), "a strict address needs no note: {notes:?}");
}

#[test]
fn inet_addr_none_ambiguity() {
    let Ev::Byteorder(ByteorderEv::InetAddr { s_addr, notes, .. }) = one(&["inet_addr", "255.255.255.255"]) else {
        panic!()
    };
    assert_eq!(s_addr, u32::MAX);
    assert!(notes.iter().any(|n| n.contains("INADDR_NONE")), "{notes:?}");
    let o = run(&["byteorder", "inet_addr", "1.2.3.x"], b"");
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("INADDR_NONE"), "{}", stderr(&o));
}

#[test]
fn inet_ntoa_reads_network_order() {
    let s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    let Ev::Byteorder(ByteorderEv::InetNtoa { dotted, .. }) = one(&["inet_ntoa", &s_addr.to_string()]) else {
        panic!()
    };
    assert_eq!(dotted, "127.0.0.1");
}

#[test]
fn values_that_do_not_fit_are_usage_errors() {
    for args in [
        &["byteorder", "htons", "70000"][..],
        &["byteorder", "htonl", "0x100000000"],
        &["byteorder", "htons", "-1"],
        &["byteorder", "htons", "12abc"],
        &["byteorder", "inet_ntoa", "4294967296"],
        &["byteorder", "inet_aton", "1.2.3.256"],
        &["byteorder", "htons"],
        &["byteorder", "htons", "1", "-"],
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        assert!(stdout(&o).is_empty(), "{args:?} printed {}", stdout(&o));
    }
}

#[test]
fn control_characters_in_input_are_escaped_in_text_output() {
    let o = run(&["byteorder", "inet_aton", "1.2.3.4\nx"], b"");
    assert_exit(&o, 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one result line and its note: {out:?}");
    assert!(lines[0].starts_with(r#"inet_aton("1.2.3.4\nx") = 1"#), "{out:?}");
    assert!(!out.contains('\u{1b}'));
}
