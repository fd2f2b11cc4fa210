// A sample VAT invoice in the Circular 78/2021 XML layout (HDon/DLHDon + DSCKS/NBan), for the e-invoice page.
export const SAMPLE_INVOICE = `<?xml version="1.0" encoding="UTF-8"?>
<HDon>
  <DLHDon Id="DLHDon-C24TKD-123">
    <TTChung>
      <PBan>2.0.1</PBan>
      <THDon>Hóa đơn giá trị gia tăng</THDon>
      <KHMSHDon>1</KHMSHDon>
      <KHHDon>C24TKD</KHHDon>
      <SHDon>123</SHDon>
      <NLap>2024-06-01</NLap>
      <DVTTe>VND</DVTTe>
      <HTTToan>Chuyển khoản</HTTToan>
    </TTChung>
    <NDHDon>
      <NBan><Ten>CÔNG TY TNHH KYSO DEMO</Ten><MST>0101234567</MST><DChi>Buôn Ma Thuột, Đắk Lắk</DChi></NBan>
      <NMua><Ten>Nguyễn Văn An</Ten><DChi>Xã Ea Kao, Đắk Lắk</DChi></NMua>
      <DSHHDVu>
        <HHDVu><TChat>1</TChat><STT>1</STT><THHDVu>Dịch vụ tư vấn hồ sơ</THHDVu><DVTinh>Gói</DVTinh><SLuong>1</SLuong><DGia>1000000</DGia><ThTien>1000000</ThTien><TSuat>10%</TSuat></HHDVu>
      </DSHHDVu>
      <TToan><TgTCThue>1000000</TgTCThue><TgTThue>100000</TgTThue><TgTTTBSo>1100000</TgTTTBSo><TgTTTBChu>Một triệu một trăm nghìn đồng</TgTTTBChu></TToan>
    </NDHDon>
  </DLHDon>
  <DSCKS><NBan/></DSCKS>
</HDon>
`;
