document.getElementById('status').textContent = 'The script ran: it arrived by server push.';
