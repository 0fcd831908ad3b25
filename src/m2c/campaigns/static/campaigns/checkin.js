// The check-in page's optional camera: where the browser has BarcodeDetector, a button opens the back
// camera, and the first QR code read is typed into the code box and submitted (as a hand scanner does).
(function () {
  var button = document.getElementById("checkin-camera");
  var video = document.getElementById("checkin-video");
  var box = document.getElementById("id_code");
  if (!button || !video || !box || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.classList.remove("d-none");
      video.play();
      function scan() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            box.value = codes[0].rawValue;
            box.form.submit();
          } else { window.requestAnimationFrame(scan); }
        }).catch(function () { window.requestAnimationFrame(scan); });
      }
      scan();
    });
  });
})();
